import { describe, expect, it } from 'vitest';
import { concludeRun, fitsNoHost, type Ending } from './conclude.js';
import { startWallWatch } from './environment.js';
import { ExitCode } from './result.js';
import { resolveScenario } from './scenario.js';
import { Tracer } from './trace.js';

const clock = { kind: 'virtual' as const, lag: () => ({ timers: 5, meanMs: 0, p99Ms: 0, maxMs: 0, lostMs: 0, scale: null }), distortion: () => 0 };
const ended = (endAtMs: number, more: Partial<Ending> = {}): Ending => ({ burstAtMs: 0, endAtMs, deadlineHit: false, interrupted: null, ...more });

/** VM `vmId` (burst position `vmId`) through its boundaries, 1 s apart from `t`, as far as `upTo`. */
function deploy(tracer: Tracer, vmId: number, t: number, upTo: 'pending' | 'prolog' | 'boot' | 'up', host = 'host-01', netMsgAfter = 20_000): void {
  const r = tracer.record.bind(tracer);
  r({ t, type: 'submit', index: vmId });
  r({ t: t + 100, type: 'answer', index: vmId, vmId });
  if (upTo === 'pending') return;
  r({ t: t + 1_000, type: 'tm.start', vmId, action: 'prolog', host });
  if (upTo === 'prolog') return;
  r({ t: t + 2_000, type: 'tm.end', vmId, action: 'prolog', host, result: 'SUCCESS' });
  r({ t: t + 2_000, type: 'vmm.start', vmId, action: 'DEPLOY', host });
  if (upTo === 'boot') return;
  r({ t: t + 3_000, type: 'vmm.end', vmId, action: 'DEPLOY', host, result: 'SUCCESS' });
  r({ t: t + 3_000 + netMsgAfter, type: 'net-msg', vmId, host });
}

describe('concludeRun', () => {
  it('gathers accounting, stages, verdicts, the run and the exit code from a trace', () => {
    const tracer = new Tracer({ vms: 2 });
    deploy(tracer, 0, 0, 'up', 'host-01', 17_000);
    deploy(tracer, 1, 0, 'prolog', 'host-02');
    tracer.record({ t: 1_500, type: 'tm.end', vmId: 1, action: 'prolog', host: 'host-02', result: 'FAILURE', info: 'CLONE failed' });
    const environment = startWallWatch().environment();
    const result = concludeRun({
      resolved: resolveScenario({ name: 'two', vms: { count: 2 }, hosts: { count: 2 }, budgets: { total: 'p95 < 30s', failed: '== 0' } }),
      tracer,
      ending: ended(20_000),
      clock,
      environment,
    });
    expect(result.vms).toEqual({ requested: 2, up: 1, failed: 1, timedOut: 0 });
    expect(result.failures).toEqual([
      { index: 1, vmId: 1, outcome: 'failed', reason: 'TRANSFER: CLONE failed', stage: 'PROLOG-BOOT', host: 'host-02', state: 'PROLOG_FAILURE (as traced)' },
    ]);
    expect(result.stages.total).toMatchObject({ count: 1, censored: 0, lowerBound: [], p95: 20 });
    expect(result.stages['PENDING-PROLOG']).toMatchObject({ count: 2, min: 0.9, max: 0.9 });
    expect(result.budgets.map((v) => [v.expression, v.actual, v.pass])).toEqual([
      ['p95 < 30s', 20, true],
      ['== 0', 1, false],
    ]);
    expect(result.exitCode).toBe(ExitCode.VERDICT);
    expect(result.run).toEqual({
      name: 'two', profile: 'optimized', seed: 1, hosts: 2, clock: 'virtual', burstAtMs: 0, endAtMs: 20_000, deadlineMs: 3_600_000, deadlineHit: false,
    });
    expect(result.interrupted).toBeNull();
    expect(Object.keys(result)).toEqual([
      'scenario', 'run', 'interrupted', 'vms', 'failures', 'stages', 'budgets', 'findings', 'crossCheck', 'lag', 'exitCode', 'environment',
    ]);
    expect(result.environment).toBe(environment);
  });

  it('never lets a VM that timed out make a stage look better: it counts, censored at the deadline, as a lower bound', () => {
    // four VMs up in 24 s; a fifth hangs in its DEPLOY until the 1 h deadline
    const run = (hang: boolean) => {
      const tracer = new Tracer({ vms: 5 });
      for (let i = 0; i < 4; i += 1) deploy(tracer, i, 0, 'up');
      if (hang) deploy(tracer, 4, 0, 'boot', 'host-03');
      else deploy(tracer, 4, 0, 'up');
      return concludeRun({
        resolved: resolveScenario({ vms: { count: 5 }, budgets: { total: ['mean < 60s', 'mean < 2h', 'min > 10s'], 'BOOT-RUNNING': 'max < 1h' } }),
        tracer,
        ending: ended(hang ? 3_600_000 : 23_000, { deadlineHit: hang }),
        clock,
        environment: startWallWatch().environment(),
      });
    };
    const clean = run(false);
    const hung = run(true);
    expect(clean.stages.total).toMatchObject({ count: 5, censored: 0, lowerBound: [], mean: 23 });
    // before: the hung VM was left out and the mean stayed 23 s; now it counts with the 3600 s it had spent
    expect(hung.stages.total).toMatchObject({ count: 5, censored: 1, lowerBound: ['mean', 'p90', 'p95', 'p99', 'max'], mean: (4 * 23 + 3600) / 5, max: 3600 });
    expect(hung.stages.total.mean!).toBeGreaterThan(clean.stages.total.mean!);
    expect(hung.stages['BOOT-RUNNING']).toMatchObject({ count: 5, censored: 1, max: 3598, p50: 1 });
    expect(hung.stages['PROLOG-BOOT']).toMatchObject({ count: 5, censored: 0 });
    expect(hung.failures).toEqual([
      { index: 4, vmId: 4, outcome: 'timedOut', reason: 'no NET-MSG by the deadline', stage: 'BOOT-RUNNING', host: 'host-03', state: 'BOOT (as traced)' },
    ]);
    // a lower bound that breaks a budget fails it; one that meets `<` is no pass; one that meets `>` is
    expect(hung.budgets.map((v) => [v.stage, v.expression, v.lowerBound, v.pass])).toEqual([
      ['total', 'mean < 60s', true, false],
      ['total', 'mean < 2h', true, false],
      ['total', 'min > 10s', false, true],
      ['BOOT-RUNNING', 'max < 1h', true, false],
    ]);
    expect(clean.budgets.map((v) => v.pass)).toEqual([true, true, true, true]);
    expect(hung.run.deadlineHit).toBe(true);
  });

  it('says an interrupted run was interrupted, cuts its VMs off there, and exits as the signal', () => {
    const tracer = new Tracer({ vms: 3 });
    deploy(tracer, 0, 0, 'up');
    deploy(tracer, 1, 0, 'boot');
    const result = concludeRun({
      resolved: resolveScenario({ vms: { count: 3 } }),
      tracer,
      ending: ended(12_000, { interrupted: { signal: 'SIGTERM' } }),
      clock,
      environment: startWallWatch().environment(),
    });
    expect(result.interrupted).toEqual({ signal: 'SIGTERM' });
    expect(result.exitCode).toBe(143);
    expect(result.failures.map((f) => [f.index, f.reason, f.stage, f.state])).toEqual([
      [1, 'cut off by the interruption (SIGTERM)', 'BOOT-RUNNING', 'BOOT (as traced)'],
      [2, 'cut off by the interruption (SIGTERM)', 'START-PENDING', 'not submitted'],
    ]);
    expect(result.stages['BOOT-RUNNING']).toMatchObject({ count: 2, censored: 1, max: 10 });
    expect(result.stages.total).toMatchObject({ count: 2, censored: 1 }); // the unsubmitted VM has no START
  });

  it('names the shortage of a VM that fits no host', () => {
    const hosts = [{ cores: 8, memoryMiB: 24_576 }, { cores: 16, memoryMiB: 16_384 }];
    expect(fitsNoHost('CPU = 1\nMEMORY = 32768', hosts)).toBe('needs 32768 MiB of memory, the largest host has 24576 MiB');
    expect(fitsNoHost('<TEMPLATE><CPU>24</CPU><MEMORY>512</MEMORY></TEMPLATE>', hosts)).toBe('needs CPU 24, the largest host has 16 cores');
    expect(fitsNoHost('CPU = 0.25\nMEMORY = 512', hosts)).toBeUndefined();
    expect(fitsNoHost('CPU = [', hosts)).toBeUndefined();

    const tracer = new Tracer({ vms: 1 });
    deploy(tracer, 0, 0, 'pending');
    const result = concludeRun({
      resolved: resolveScenario({ vms: { count: 1, template: 'CPU = 1\nMEMORY = 32768' } }),
      tracer,
      polled: new Map([[0, { id: 0, state: 1, lcmState: 0, schedMessage: 'Wed Nov 25 13:26:22 2026: [HOST] Not enough MEMORY on hosts: 0,1' }]]),
      ending: ended(3_600_000, { deadlineHit: true }),
      clock,
      environment: startWallWatch().environment(),
    });
    expect(result.failures[0]).toMatchObject({
      reason: 'no NET-MSG by the deadline: the VM fits no host (needs 32768 MiB of memory, the largest host has 24576 MiB)',
      stage: 'PENDING-PROLOG',
      host: null,
      state: 'PENDING',
    });
  });
});
