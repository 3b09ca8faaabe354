import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_PROFILES, NIGHTLY_BUDGETS } from '../harness/scenario.js';
import { main } from './main.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-commands-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function stampede(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    run: async () => {
      throw new Error('no run in these tests');
    },
    stdout: { isTTY: false, write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    signals: new EventEmitter(),
    cwd: dir,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const file = (name: string, text: string): string => (writeFileSync(join(dir, name), text), join(dir, name));

const OPTIMIZED = BUILTIN_PROFILES['optimized']!;

describe('stampede validate', () => {
  it('says ok for a good scenario and exits 0', async () => {
    file('good.yaml', 'vms: { count: 8 }\nhosts: { count: 2 }\n');
    expect(await stampede('validate', 'good.yaml')).toEqual({ code: 0, stdout: 'ok  good.yaml\n', stderr: '' });
  });

  it('gives one line per problem, with the field and a did-you-mean, and exits 2', async () => {
    file('good.yaml', 'vms: { count: 8 }\n');
    file('bad.yaml', 'vms: { cuont: 3 }\nhosts: { count: x }\nlaod: {}\n');
    const r = await stampede('validate', 'good.yaml', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('ok  good.yaml\n');
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual([
      'scenario bad.yaml: hosts.count: Invalid input: expected number, received string',
      'scenario bad.yaml: laod: unknown field (did you mean "load"?)',
      'scenario bad.yaml: vms.cuont: unknown field (did you mean "count"?)',
    ]);
  });

  it('checks what only the whole scenario shows: a fault on a host the farm lacks', async () => {
    file('f.yaml', 'hosts: { count: 4 }\nfaults: { hosts: { host-3: { slow: 2 } } }\n');
    const r = await stampede('validate', 'f.yaml');
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('scenario f.yaml: faults.hosts.host-3: no such host in the farm of 4 (host-01 .. host-04) (did you mean "host-03"?)\n');
  });

  it('finds the scenario init writes when given no file, and says so when there is none', async () => {
    expect(await stampede('validate')).toMatchObject({ code: 2, stdout: '' });
    file('stampede.yaml', 'vms: { count: 8 }\n');
    expect(await stampede('validate')).toEqual({ code: 0, stdout: 'ok  stampede.yaml\n', stderr: '' });
    // and an editor's check of it, with the schema the package ships
    const schema = JSON.parse((await stampede('schema')).stdout) as object;
    expect(new Ajv2020({ strict: false }).validate(schema, parse(readFileSync(join(dir, 'stampede.yaml'), 'utf8')))).toBe(true);
  });

  it('refuses a file that does not exist or is of no scenario kind', async () => {
    const r = await stampede('validate', 'missing.yaml', 'notes.txt');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml" does not exist.');
    expect(r.stderr).toContain('must end in .ts, .mts, .json, .yaml or .yml.');
  });
});

describe('stampede profiles', () => {
  it('lists the built-in profiles with their main knobs and pathologies', async () => {
    const r = await stampede('profiles');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('opennebula-4.4  SCHED_INTERVAL 30 s, MAX_DISPATCH 30, MAX_HOST 1, TM -t 15, VMM -t 10; pathologies: sched-ignores-max-host');
    expect(r.stdout).toContain('optimized       SCHED_INTERVAL 1 s, MAX_DISPATCH 1024, MAX_HOST 1024, TM -t 128, VMM -t 32; no pathologies');
  });

  it('shows a profile as YAML, and a scenario\'s own profile resolved through extends', async () => {
    expect(parse((await stampede('profiles', 'show', 'optimized')).stdout)).toEqual(OPTIMIZED);
    file('s.yaml', 'profiles:\n  locked: { extends: optimized, pathologies: { vmm-host-lock: true }, tm: { threads: 4 } }\n');
    const shown = parse((await stampede('profiles', '--scenario', join(dir, 's.yaml'), 'show', 'locked')).stdout) as typeof OPTIMIZED;
    expect(shown.tm.threads).toBe(4);
    expect(shown.pathologies['vmm-host-lock']).toBe(true);
    expect(shown.scheduler).toEqual(OPTIMIZED.scheduler);
  });

  it('diffs two profiles knob by knob', async () => {
    const r = await stampede('profiles', 'diff', 'opennebula-4.4', 'optimized');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^knob\s+opennebula-4\.4\s+optimized$/);
    expect(r.stdout).toMatch(/^scheduler\.SCHED_INTERVAL\s+30\s+1$/m);
    expect(r.stdout).not.toContain('HYPERVISOR_MEM'); // the same in both
    expect((await stampede('profiles', 'diff', 'optimized', 'optimized')).stdout).toBe('optimized and optimized have the same knobs\n');
  });

  it('names an unknown profile with a did-you-mean, exit 2', async () => {
    expect(await stampede('profiles', 'show', 'optimised')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'stampede profiles: no profile "optimised" (did you mean "optimized"?); known: opennebula-4.4, opennebula-7.5, optimized, study-0, study-1, study-2, study-3, study-4, study-5.\n',
    });
  });
});

describe('stampede init', () => {
  it('writes a scenario, two workflows and a .gitignore line, and says so', async () => {
    const r = await stampede('init');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote  stampede.config.ts\n');
    expect(r.stdout).toContain('wrote  .github/workflows/stampede-nightly.yml\n');
    expect(r.stdout).toContain('wrote  .github/workflows/stampede-pr.yml\n');
    expect(r.stdout).toContain('added  scale-report/ to .gitignore\n');
    expect(readFileSync(join(dir, 'stampede.config.ts'), 'utf8')).toContain("import { defineScenario } from 'stampede';");
    const pr = parse(readFileSync(join(dir, '.github/workflows/stampede-pr.yml'), 'utf8')) as { jobs: { scale: { steps: Array<{ run?: string }> } } };
    expect(pr.jobs.scale.steps.map((s) => s.run)).toContain('npx stampede run stampede.config.ts --out scale-report');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('scale-report/\n');
  });

  it('writes a YAML scenario that validates and points editors at the schema', async () => {
    await stampede('init', '--yaml');
    expect(existsSync(join(dir, 'stampede.config.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'stampede.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\/node_modules\/stampede\/dist\/scenario\.schema\.json\n/);
    expect(await stampede('validate')).toEqual({ code: 0, stdout: 'ok  stampede.yaml\n', stderr: '' });
    // and an editor's check of it, with the schema the package ships
    const schema = JSON.parse((await stampede('schema')).stdout) as object;
    expect(new Ajv2020({ strict: false }).validate(schema, parse(readFileSync(join(dir, 'stampede.yaml'), 'utf8')))).toBe(true);
    // the starter's budgets are the nightly's, whatever they become
    const budgets = (parse(readFileSync(join(dir, 'stampede.yaml'), 'utf8')) as { budgets: unknown }).budgets;
    expect(budgets).toEqual(Object.fromEntries(Object.entries(NIGHTLY_BUDGETS).map(([k, v]) => [k, typeof v === 'string' ? [v] : v])));
  });

  it('never replaces a file without --force, and keeps the .gitignore it has', async () => {
    file('stampede.config.ts', '// mine\n');
    file('.gitignore', 'node_modules/\nscale-report/');
    const r = await stampede('init');
    expect(r.stdout).toContain('kept   stampede.config.ts (it exists; --force replaces it)\n');
    expect(r.stdout).toContain('kept   .gitignore (it already ignores scale-report/)\n');
    expect(readFileSync(join(dir, 'stampede.config.ts'), 'utf8')).toBe('// mine\n');
    const forced = await stampede('init', '--force');
    expect(forced.stdout).toContain('replaced stampede.config.ts\n');
    expect(readFileSync(join(dir, 'stampede.config.ts'), 'utf8')).toContain('defineScenario');
  });

  it('adds its line to a .gitignore that lacks it, on a line of its own', async () => {
    file('.gitignore', 'node_modules/');
    await stampede('init');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\nscale-report/\n');
  });
});
