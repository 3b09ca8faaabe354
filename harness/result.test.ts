import { describe, expect, it } from 'vitest';
import { parseBudgets } from './budgets.js';
import { concludeRun } from './conclude.js';
import { startWallWatch } from './environment.js';
import { lagOf } from './lag.js';
import { ExitCode, exitCodeOf } from './result.js';
import { STAGES, type StageName } from './stages.js';
import type { StageStats } from './stats.js';
import { Tracer } from './trace.js';

const stats = (p50: number | null): StageStats => ({ count: p50 === null ? 0 : 1, min: p50, mean: p50, p50, p90: p50, p95: p50, p99: p50, max: p50 });

function stagesWith(p50s: Partial<Record<StageName, number>>): Record<StageName, StageStats> {
  const out = {} as Record<StageName, StageStats>;
  for (const s of STAGES) out[s] = stats(p50s[s] ?? null);
  return out;
}

describe('exitCodeOf', () => {
  const held = { stage: 'total', expression: 'p95 < 80s', actual: 10, pass: true, unit: 's' as const, threshold: 80 };
  it('is 0 when budgets held and nothing was found, 1 otherwise', () => {
    expect(exitCodeOf([held], [])).toBe(ExitCode.OK);
    expect(exitCodeOf([held, { ...held, pass: false }], [])).toBe(ExitCode.VERDICT);
    expect(exitCodeOf([held], [{ pathology: 'vmm-host-lock', stage: 'BOOT-RUNNING', evidence: 'never overlapped' }])).toBe(ExitCode.VERDICT);
  });
});

describe('lagOf', () => {
  it('reports none for a virtual clock', () => {
    const lag = lagOf({ kind: 'virtual', lag: () => ({ timers: 42, meanMs: 0, p99Ms: 0, maxMs: 0 }) }, stagesWith({ total: 30 }));
    expect(lag).toEqual({ clock: 'virtual', timers: 42, meanMs: 0, p99Ms: 0, maxMs: 0, warning: null });
  });

  it('warns, naming the stage, when late timers could distort the shortest stage', () => {
    const clock = { kind: 'scaled' as const, lag: () => ({ timers: 9, meanMs: 20, p99Ms: 60, maxMs: 80 }) };
    // START-PENDING's median is 1 s: 60 ms is 6% of it
    expect(lagOf(clock, stagesWith({ 'START-PENDING': 1, total: 30 })).warning).toBe(
      'emulator lag (p99 0.060 s late) exceeds 5% of the START-PENDING median (1.000 s): that stage may measure the emulator, not the stack; lower the clock scale',
    );
    expect(lagOf(clock, stagesWith({ 'START-PENDING': 2, total: 30 })).warning).toBeNull();
  });
});

describe('startWallWatch', () => {
  it('describes the machine and the harness', () => {
    const env = startWallWatch().environment();
    expect(env.harness).toMatch(/^stampede \d+\.\d+\.\d+/);
    expect(env.node).toBe(process.version);
    expect(env.cpus).toBeGreaterThan(0);
    expect(new Date(env.startedAt).toISOString()).toBe(env.startedAt);
    expect(env.wallMs).toBeGreaterThanOrEqual(0);
  });
});

describe('concludeRun', () => {
  it('gathers accounting, stages, verdicts and the exit code from a trace', () => {
    const tracer = new Tracer({ vms: 2 });
    const r = tracer.record.bind(tracer);
    r({ t: 0, type: 'submit', index: 0 });
    r({ t: 0, type: 'submit', index: 1 });
    r({ t: 100, type: 'answer', index: 0, vmId: 0 });
    r({ t: 100, type: 'answer', index: 1, vmId: 1 });
    r({ t: 1_000, type: 'tm.start', vmId: 0, action: 'prolog' });
    r({ t: 2_000, type: 'tm.end', vmId: 0, action: 'prolog', result: 'SUCCESS' });
    r({ t: 2_000, type: 'vmm.start', vmId: 0, action: 'DEPLOY' });
    r({ t: 3_000, type: 'vmm.end', vmId: 0, action: 'DEPLOY', result: 'SUCCESS' });
    r({ t: 20_000, type: 'net-msg', vmId: 0 });
    r({ t: 1_000, type: 'tm.start', vmId: 1, action: 'prolog' });
    r({ t: 1_500, type: 'tm.end', vmId: 1, action: 'prolog', result: 'FAILURE', info: 'CLONE failed' });
    const environment = startWallWatch().environment();
    const result = concludeRun({
      scenario: { vms: 2, seed: 1 },
      tracer,
      budgets: parseBudgets({ total: 'p95 < 30s', failed: '== 0' }),
      clock: { kind: 'virtual', lag: () => ({ timers: 5, meanMs: 0, p99Ms: 0, maxMs: 0 }) },
      environment,
    });
    expect(result.vms).toEqual({ requested: 2, up: 1, failed: 1, timedOut: 0 });
    expect(result.failures).toEqual([
      { index: 1, vmId: 1, outcome: 'failed', reason: 'TRANSFER: CLONE failed', stage: 'PROLOG-BOOT', state: 'PROLOG_FAILURE (as traced)' },
    ]);
    expect(result.stages.total).toMatchObject({ count: 1, p95: 20 });
    expect(result.stages['PENDING-PROLOG']).toMatchObject({ count: 2, min: 0.9, max: 0.9 });
    expect(result.budgets.map((v) => [v.expression, v.actual, v.pass])).toEqual([
      ['p95 < 30s', 20, true],
      ['== 0', 1, false],
    ]);
    expect(result.exitCode).toBe(ExitCode.VERDICT);
    expect(Object.keys(result)).toEqual(['scenario', 'vms', 'failures', 'stages', 'budgets', 'findings', 'crossCheck', 'lag', 'exitCode', 'environment']);
    expect(result.environment).toBe(environment);
  });
});
