import type { Result } from '../../harness/result.js';

const stats = (count: number, min: number, mean: number, p50: number, p95: number, max: number) => ({
  count, censored: 0, lowerBound: [], min, mean, p50, p90: p95, p95, p99: max, max,
});

/** A small but complete Result, as a 6-VM run with one failure and one time-out would give. */
export function sampleResult(overrides: Partial<Result> = {}): Result {
  return {
    scenario: { name: 'sample', vms: 6, hosts: { count: 2, cores: 8 }, profile: 'optimized', seed: 1, budgets: { total: ['p95 < 80s'] } },
    run: {
      name: 'sample',
      profile: 'optimized',
      seed: 1,
      hosts: 2,
      clock: 'virtual',
      burstAtMs: 2_000,
      endAtMs: 3_602_000,
      deadlineMs: 3_600_000,
      deadlineHit: true,
    },
    interrupted: null,
    vms: { requested: 6, up: 4, failed: 1, timedOut: 1 },
    failures: [
      { index: 2, vmId: 2, outcome: 'failed', reason: 'TRANSFER: CLONE | qcow2 failed', stage: 'PROLOG-BOOT', host: 'host-02', state: 'PROLOG_FAILURE' },
      { index: 5, vmId: 5, outcome: 'timedOut', reason: 'no NET-MSG by the deadline', stage: 'BOOT-RUNNING', host: 'host-01', state: 'BOOT' },
    ],
    stages: {
      'START-PENDING': stats(6, 0.01, 0.0234, 0.02, 0.04, 0.04),
      'PENDING-PROLOG': stats(5, 0.5, 0.74, 0.75, 1.0, 1.0),
      'PROLOG-BOOT': stats(4, 2.0, 3.125, 3.0, 4.55, 4.55),
      'BOOT-RUNNING': stats(4, 1.2, 1.5, 1.45, 1.95, 1.95),
      'RUNNING-NET-MSG': stats(4, 20.0, 24.66666, 24.0, 31.25, 31.25),
      total: stats(4, 25.0, 30.0501, 29.96, 38.84, 38.84),
    },
    budgets: [
      { stage: 'total', expression: 'p95 < 80s', operator: '<', actual: 38.84, lowerBound: false, pass: true, unit: 's', threshold: 80 },
      { stage: 'PENDING-PROLOG', expression: 'max < 1s', operator: '<', actual: 1.0, lowerBound: false, pass: false, unit: 's', threshold: 1 },
      { stage: 'failed', expression: '== 0', operator: '==', actual: 1, lowerBound: false, pass: false, unit: 'count', threshold: 0 },
    ],
    findings: [],
    crossCheck: { polled: 5, upButNotRunning: 0, examples: [] },
    lag: {
      clock: 'virtual',
      factor: null,
      auto: null,
      timers: 1234,
      meanMs: 0,
      p99Ms: 0,
      maxMs: 0,
      lostMs: 0,
      bounds: {
        'START-PENDING': { mean: 0, quantiles: 0 },
        'PENDING-PROLOG': { mean: 0, quantiles: 0 },
        'PROLOG-BOOT': { mean: 0, quantiles: 0 },
        'BOOT-RUNNING': { mean: 0, quantiles: 0 },
        'RUNNING-NET-MSG': { mean: 0, quantiles: 0 },
        total: { mean: 0, quantiles: 0 },
      },
      warning: null,
    },
    exitCode: 1,
    environment: {
      harness: 'stampede 0.1.0',
      node: 'v20.20.2',
      platform: 'linux',
      arch: 'x64',
      cpus: 2,
      cpuModel: 'Test CPU',
      startedAt: '2026-01-01T00:00:00.000Z',
      wallMs: 812,
      peakRssMiB: 90,
    },
    ...overrides,
  };
}
