import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliDeps } from './main.js';

/**
 * `stampede gate` end to end, on the PR suite's scenario in virtual time (about a second a run):
 * a clean change passes against a clean baseline, and each pathology of the reference stack
 * switched on alone (and serial submission) fails it, the comment naming it and where it shows.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(): { deps: CliDeps; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    deps: {
      run: async () => {
        throw new Error('the gate runs its own scenario');
      },
      stdout: { isTTY: false, write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      signals: new EventEmitter(),
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

const baseline = join(dir, 'base');
beforeAll(async () => {
  const h = cli();
  expect(await main(['gate', '--out', baseline], h.deps)).toBe(0);
  expect(h.stdout()).toContain('No baseline given');
}, 60_000);

const pathology = (name: string): string[] => ['--set', `profile={extends: optimized, pathologies: {${name}: true}}`];

describe('stampede gate', () => {
  it('passes a clean change against a clean baseline, and writes the comment beside the reports', async () => {
    const h = cli();
    const out = join(dir, 'clean');
    expect(await main(['gate', '--baseline', baseline, '--out', out], h.deps)).toBe(0);
    expect(h.stdout()).toMatch(/^### stampede gate: pass\n/);
    expect(h.stdout()).toContain('0 worse, 0 better');
    expect(readFileSync(join(out, 'gate.md'), 'utf8')).toBe(h.stdout());
    expect(existsSync(join(out, 'result.json'))).toBe(true);
  }, 60_000);

  // Where each shows in the PR suite: the stage whose time it moves beyond the gate's tolerance.
  it.each([
    ['sched-ignores-max-host', pathology('sched-ignores-max-host'), 'PENDING-PROLOG'],
    ['vmm-host-lock', pathology('vmm-host-lock'), 'PROLOG-BOOT'],
    ['vertical-pipeline', pathology('vertical-pipeline'), 'PENDING-PROLOG'],
    ['ssh-per-action', pathology('ssh-per-action'), 'PROLOG-BOOT'],
    ['direct-io', pathology('direct-io'), 'RUNNING-NET-MSG'],
    ['serial-submit', ['--set', 'load.mode=serial'], 'START-PENDING'],
  ])('fails with %s switched on alone, naming it and the stage that shows it', async (name, flags, stage) => {
    const h = cli();
    const code = await main(['gate', '--baseline', baseline, '--out', join(dir, name), ...flags], h.deps);
    expect(h.stderr()).toBe('');
    expect(code).toBe(1);
    // the detectors' finding names the pathology in the headline and in the list of findings
    expect(h.stdout()).toMatch(new RegExp(`^### stampede gate: FAIL: (.*, )?${name}(, .*)? named`));
    expect(h.stdout()).toMatch(new RegExp(`^- \\*\\*${name}\\*\\* \\(`, 'm'));
    expect(h.stdout()).toMatch(new RegExp(`^- ${stage} (mean|p50|p95): `, 'm'));
  }, 60_000);

  it('cannot run against a baseline that is not a result, and says so in one sentence before running', async () => {
    const h = cli();
    expect(await main(['gate', '--baseline', join(dir, 'missing'), '--out', join(dir, 'never')], h.deps)).toBe(2);
    expect(h.stderr()).toMatch(/^stampede: baseline ".*missing" does not exist \(give a result.json or a report directory\)\n$/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
