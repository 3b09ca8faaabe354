import { describe, expect, it } from 'vitest';
import { parseBudgets } from './budgets.js';
import { concludeRun } from './conclude.js';
import { startWallWatch } from './environment.js';
import { ExitCode } from './result.js';
import { Tracer } from './trace.js';

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
