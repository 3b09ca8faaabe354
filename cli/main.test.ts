import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../harness/errors.js';
import type { Result } from '../harness/result.js';
import { clearReports } from '../reports/index.js';
import { sampleResult } from '../reports/test-support/sample-result.js';
import { main, type CliDeps, type RunFn } from './main.js';
import type { RunOverrides } from './options.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenarioFile = join(dir, 'nightly.yaml');
writeFileSync(scenarioFile, 'vms: 512\n');

function harness(run: RunFn = async () => sampleResult({ exitCode: 0, budgets: [] })) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Array<{ result: Result; dir: string }> = [];
  const calls: RunOverrides[] = [];
  const deps: CliDeps = {
    run: async (overrides, hooks) => (calls.push(overrides), run(overrides, hooks)),
    stdout: { isTTY: false, write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    writeReports: async (result, d) => (written.push({ result, dir: d }), [join(d, 'result.json')]),
    signals: new EventEmitter(),
    checkOutDir: async () => undefined,
    clearReports: async () => {},
  };
  return { deps, calls, written, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('stampede run', () => {
  it('parses every flag into plain overrides and hands them to the run', async () => {
    const h = harness();
    const code = await main(
      ['run', scenarioFile, '--vms', '512', '--hosts', '16', '--profile', 'opennebula-4.4', '--seed', '7', '--clock', 'scaled:50', '--out', '/tmp/r'],
      h.deps,
    );
    expect(code).toBe(0);
    expect(h.calls).toEqual([
      { scenarioFile, vms: 512, hosts: 16, profile: 'opennebula-4.4', seed: 7, clock: { kind: 'scaled', scale: 50 }, out: '/tmp/r' },
    ]);
    expect(h.written.map((w) => w.dir)).toEqual(['/tmp/r']);
  });

  it('runs the defaults with no flags at all', async () => {
    const h = harness();
    expect(await main(['run'], h.deps)).toBe(0);
    expect(h.calls).toEqual([{ out: 'scale-report' }]);
    expect(h.stdout()).toContain('total');
    expect(h.stdout()).toContain('Reports: scale-report/result.json');
  });

  it('hands --seeds on as typed, for the scenario to read', async () => {
    const h = harness();
    await main(['run', '--seeds', '1..5'], h.deps);
    expect(h.calls[0]!.seeds).toBe('1..5');
  });

  it('reads --clock virtual', async () => {
    const h = harness();
    await main(['run', '--clock', 'virtual'], h.deps);
    expect(h.calls[0]!.clock).toEqual({ kind: 'virtual' });
  });

  it.each([
    [['run', '--vms', 'many'], '--vms must be a whole number >= 1, got "many".'],
    [['run', '--vms', '0'], '--vms must be a whole number >= 1, got "0".'],
    [['run', '--vms', '99999999999999999999'], '--vms 99999999999999999999 is too large: at most 10,000,000.'],
    [['run', '--seed', '4294967296'], '--seed 4294967296 is too large: at most 4,294,967,295.'],
    [['run', '--hosts', '2.5'], '--hosts must be a whole number >= 1, got "2.5".'],
    [['run', '--seed', '-1'], '--seed must be a whole number >= 0, got "-1".'],
    [['run', '--clock', 'scaled:0'], '--clock must be virtual, scaled:FACTOR with FACTOR a positive number of emulated seconds per wall second (e.g. scaled:50), or scaled:auto, got "scaled:0".'],
    [['run', '--clock', 'wall'], 'got "wall"'],
    [['run', '--profile', '../etc'], '--profile must be a profile name such as optimized or opennebula-4.4, got "../etc".'],
    [['run', '--out', ''], '--out must name a directory'],
    [['run', '--seeds', '5..1'], '--seeds takes seeds such as 1..5, 1,3,8 or 7'],
    [['run', '--vm', '3'], "unknown option '--vm'"],
    [['run', join(dir, 'missing.yaml')], `scenario file "${join(dir, 'missing.yaml')}" does not exist.`],
    [['run', join(dir, 'nightly.txt')], 'must end in .ts, .mts, .json, .yaml or .yml.'],
    [['deploy'], "unknown command 'deploy'"],
  ])('rejects %j with one sentence and exit code 2', async (argv, message) => {
    const h = harness();
    expect(await main(argv, h.deps)).toBe(2);
    expect(h.stderr()).toContain(message);
    expect(h.calls).toEqual([]);
  });

  it('prints a complete --help with examples and exit codes, and exits 0', async () => {
    const h = harness();
    expect(await main(['run', '--help'], h.deps)).toBe(0);
    const help = h.stdout();
    for (const flag of ['--vms <n>', '--hosts <n>', '--profile <name>', '--seed <n>', '--clock <clock>', '--out <dir>', '[scenario-file]']) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('$ stampede run --profile opennebula-4.4');
    expect(help).toContain('2    stampede could not run');
    expect(help).toContain('(default: "scale-report")');
    expect(help).toContain('130  interrupted by Ctrl-C (SIGINT); 143 terminated (SIGTERM)');
    expect(h.calls).toEqual([]);
  });

  it('says in --help which wins, a named flag or a --set of the same field', async () => {
    const h = harness();
    await main(['run', '--help'], h.deps);
    expect(h.stdout().replace(/\s+/g, ' ')).toContain('A named flag (--vms, --hosts, --profile, --seed, --clock) wins over a --set of the same field, whatever their order.');
  });

  it('names in --help only scenario files a user has', async () => {
    const h = harness();
    await main(['run', '--help'], h.deps);
    expect(h.stdout()).not.toContain('suites/nightly/scenario.yaml');
    expect(h.stdout()).toContain('a scenario file of yours');
  });

  it('refuses a report directory it cannot create, before the run', async () => {
    const h = harness();
    h.deps.checkOutDir = async (d) => `--out "${d}": cannot create ${d} (that place does not take new directories).`;
    expect(await main(['run', '--out', '/proc/x'], h.deps)).toBe(2);
    expect(h.stderr()).toContain('--out "/proc/x": cannot create /proc/x (that place does not take new directories).');
    expect(h.calls).toEqual([]);
  });

  it('exits with the run\'s verdict: 1 when a budget failed', async () => {
    const h = harness(async () => sampleResult());
    expect(await main(['run'], h.deps)).toBe(1);
    expect(h.stdout()).toContain('FAIL  PENDING-PROLOG max < 1s');
    expect(h.stdout()).toContain('2 of 3 budgets failed (exit 1)');
  });

  it('removes the previous run\'s reports before anything can fail, so an exit 2 leaves no passing junit.xml behind', async () => {
    const lastRun = (name: string): string => {
      const out = join(dir, name);
      mkdirSync(out);
      for (const f of ['result.json', 'summary.md', 'junit.xml', 'trace.jsonl', 'notes.txt']) writeFileSync(join(out, f), 'from the last run');
      return out;
    };
    const missingFile = harness();
    missingFile.deps.clearReports = clearReports;
    const a = lastRun('missing-file');
    expect(await main(['run', join(dir, 'missing.yaml'), '--out', a], missingFile.deps)).toBe(2);
    expect(readdirSync(a)).toEqual(['notes.txt']);

    const badScenario = harness(async () => {
      throw new UserError('scenario: vms.count: expected a whole number >= 1');
    });
    badScenario.deps.clearReports = clearReports;
    const b = lastRun('bad-scenario');
    expect(await main(['run', '--out', b], badScenario.deps)).toBe(2);
    expect(readdirSync(b)).toEqual(['notes.txt']);

    const notADirectory = harness();
    notADirectory.deps.clearReports = clearReports;
    expect(await main(['run', '--out', scenarioFile], notADirectory.deps)).toBe(2);
    expect(notADirectory.stderr()).toMatch(/^error: cannot clear the previous run's result\.json in ".*nightly\.yaml": ENOTDIR/);
    expect(notADirectory.calls).toEqual([]);
  });

  it('exits 2 with the sentence of an error the user can fix', async () => {
    const h = harness(async () => {
      throw new UserError('scenario "nightly.yaml": hosts.cores must be a positive number, got -8');
    });
    expect(await main(['run'], h.deps)).toBe(2);
    expect(h.stderr()).toBe('stampede: scenario "nightly.yaml": hosts.cores must be a positive number, got -8\n');
  });

  it('exits 2 and shows the stack of a defect', async () => {
    const h = harness(async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(await main(['run'], h.deps)).toBe(2);
    expect(h.stderr()).toMatch(/^stampede: could not run, because of a defect in stampede \(please report it\):\nTypeError: cannot read/);
  });

  it('ends the run early on Ctrl-C and still reports what it accounted for', async () => {
    const signals = new EventEmitter();
    const h = harness(
      (_overrides, hooks) =>
        new Promise<Result>((resolve) => {
          // a run that only ends when told to, as at its deadline
          hooks.signal.addEventListener('abort', () => resolve(sampleResult({ exitCode: 1 })));
          signals.emit('SIGINT');
        }),
    );
    h.deps.signals = signals;
    expect(await main(['run'], h.deps)).toBe(130);
    expect(h.stderr()).toBe('stampede: interrupted; ending the run and accounting for every VM (Ctrl-C again quits at once)\n');
    expect(h.written).toHaveLength(1);
    expect(signals.listenerCount('SIGINT')).toBe(0); // a second Ctrl-C is the default: quit
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('treats SIGTERM (a CI job cancelled or timed out) like Ctrl-C: the run ends and reports', async () => {
    const signals = new EventEmitter();
    const h = harness(
      (_overrides, hooks) =>
        new Promise<Result>((resolve) => {
          hooks.signal.addEventListener('abort', () => resolve(sampleResult({ exitCode: 1 })));
          signals.emit('SIGTERM');
        }),
    );
    h.deps.signals = signals;
    expect(await main(['run'], h.deps)).toBe(143);
    expect(h.stderr()).toBe('stampede: terminated (SIGTERM); ending the run and accounting for every VM (a second signal again quits at once)\n');
    expect(h.written).toHaveLength(1);
    expect(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT')).toBe(0);
  });

  it('aborts the run with the signal\'s name, for the run to record', async () => {
    const signals = new EventEmitter();
    const reasons: unknown[] = [];
    const h = harness(
      (_overrides, hooks) =>
        new Promise<Result>((resolve) => {
          hooks.signal.addEventListener('abort', () => (reasons.push(hooks.signal.reason), resolve(sampleResult({ exitCode: 0 }))));
          signals.emit('SIGINT');
        }),
    );
    h.deps.signals = signals;
    await main(['run'], h.deps);
    expect(reasons).toEqual(['SIGINT']);
  });

  it('quits with 143 when an interrupted run does not end within its grace period', async () => {
    const signals = new EventEmitter();
    const timers: Array<{ ms: number; fn: () => void }> = [];
    const h = harness(
      () =>
        new Promise<Result>(() => {
          // a run that ignores the abort
          signals.emit('SIGTERM');
          for (const t of timers) t.fn();
        }),
    );
    h.deps.signals = signals;
    h.deps.wallClock = { timer: (ms, fn) => (timers.push({ ms, fn }), { cancel: () => {} }) };
    expect(await main(['run'], h.deps)).toBe(143);
    expect(timers.map((t) => t.ms)).toEqual([1500]);
    expect(h.stderr()).toContain('stampede: the run did not end within 1.5 s of the signal; quitting without its reports\n');
    expect(h.written).toHaveLength(0);
  });

  it('still shows the results when the reports cannot be written, and exits 2', async () => {
    const h = harness(async () => sampleResult({ exitCode: 0, budgets: [] }));
    h.deps.writeReports = async () => {
      throw new Error('EACCES: permission denied');
    };
    expect(await main(['run', '--out', '/root/x'], h.deps)).toBe(2);
    expect(h.stdout()).toContain('6 VMs requested');
    expect(h.stderr()).toBe('stampede: the run finished but its reports could not be written to "/root/x": EACCES: permission denied\n');
  });
});
