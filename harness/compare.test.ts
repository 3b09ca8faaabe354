import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareResults, readResult } from './compare.js';
import type { Finding, Result } from './result.js';
import { STAGES } from './stages.js';

const stats = (count: number, mean: number, p95: number, max: number) => ({ count, censored: 0, lowerBound: [], min: 0, mean, p50: mean, p90: p95, p95, p99: max, max });

/** A small complete Result, as a 6-VM run with one failure and one time-out would give. */
function sampleResult(): Result {
  return {
    scenario: { vms: 6, profile: 'optimized', seed: 1 },
    run: { name: 'sample', profile: 'optimized', seed: 1, hosts: 2, clock: 'virtual', burstAtMs: 0, endAtMs: 60_000, deadlineMs: 3_600_000, deadlineHit: false },
    interrupted: null,
    vms: { requested: 6, up: 4, failed: 1, timedOut: 1 },
    failures: [],
    stages: {
      'START-PENDING': stats(6, 0.0234, 0.04, 0.04),
      'PENDING-PROLOG': stats(5, 0.74, 1.0, 1.0),
      'PROLOG-BOOT': stats(4, 3.125, 4.55, 4.55),
      'BOOT-RUNNING': stats(4, 1.5, 1.95, 1.95),
      'RUNNING-NET-MSG': stats(4, 24.66666, 31.25, 31.25),
      total: stats(4, 30.0501, 38.84, 38.84),
    },
    budgets: [
      { stage: 'total', expression: 'p95 < 80s', operator: '<', actual: 38.84, lowerBound: false, pass: true, unit: 's', threshold: 80 },
      { stage: 'PENDING-PROLOG', expression: 'max < 1s', operator: '<', actual: 1.0, lowerBound: false, pass: false, unit: 's', threshold: 1 },
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
      bounds: Object.fromEntries(STAGES.map((s) => [s, { mean: 0, quantiles: 0 }])) as Result['lag']['bounds'],
      warning: null,
    },
    exitCode: 1,
    environment: sampleEnvironment,
  };
}

const sampleEnvironment = {
  harness: 'stampede 0.1.0', node: 'v20', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'Test CPU',
  startedAt: '2026-01-01T00:00:00.000Z', wallMs: 1, peakRssMiB: 1,
};

/** The sample with the total stage's mean and p95 moved by `dMean` and `dP95` seconds. */
function withTotal(base: Result, dMean: number, dP95: number, clock: 'virtual' | 'scaled' = 'virtual'): Result {
  const t = base.stages.total;
  return {
    ...base,
    stages: { ...base.stages, total: { ...t, mean: t.mean! + dMean, p95: t.p95! + dP95 } },
    lag: { ...base.lag, clock },
  };
}

const find = (c: ReturnType<typeof compareResults>, stage: string, statistic: string) =>
  c.changes.find((x) => x.stage === stage && x.statistic === statistic)!;

describe('compareResults', () => {
  it('virtual clock: any change is real, shown exactly, worse or better by its sign', () => {
    const base = sampleResult();
    const c = compareResults(base, withTotal(base, 0.004, -2));
    expect(c.exact).toBe(true);
    expect(find(c, 'total', 'mean')).toMatchObject({ verdict: 'worse', delta: expect.closeTo(0.004, 12) });
    expect(find(c, 'total', 'p95')).toMatchObject({ verdict: 'better', delta: -2 });
    expect(find(c, 'total', 'max')).toMatchObject({ verdict: 'same', delta: 0 });
    expect(find(c, 'PROLOG-BOOT', 'mean').verdict).toBe('same');
  });

  it('scaled clock: a change within either floor is noise, beyond both it counts', () => {
    const base = withTotal(sampleResult(), 0, 0, 'scaled');
    // total mean 30.05 s: 10% is 3 s, so +0.4 s (under 0.5 s) and +2 s (under 10%) are noise, +4 s is not
    for (const [d, verdict] of [[0.4, 'same'], [2, 'same'], [-2, 'same'], [4, 'worse'], [-4, 'better']] as const) {
      expect(find(compareResults(base, withTotal(base, d, 0, 'scaled')), 'total', 'mean').verdict).toBe(verdict);
    }
    // floors of one's own; and a virtual head against a scaled base is not exact either
    expect(find(compareResults(base, withTotal(base, 2, 0), { relative: 0.01, absolute: 0.1 }), 'total', 'mean').verdict).toBe('worse');
    expect(compareResults(base, withTotal(base, 0, 0)).exact).toBe(false);
  });

  it('counts VMs exactly on any clock: one more failed VM is worse, one more up is better', () => {
    const base = withTotal(sampleResult(), 0, 0, 'scaled');
    const head = { ...base, vms: { ...base.vms, up: 5, failed: 0 } };
    const c = compareResults(base, head);
    expect(find(c, 'vms', 'up')).toMatchObject({ verdict: 'better', delta: 1 });
    expect(find(c, 'vms', 'failed')).toMatchObject({ verdict: 'better', delta: -1 });
    expect(find(compareResults(head, base), 'vms', 'failed').verdict).toBe('worse');
  });

  it('pairs budgets by stage and expression, lists new and gone findings, and names differing scenario fields', () => {
    const base = sampleResult();
    const finding: Finding = { detector: 'per-host-serialization', pathology: 'vmm-host-lock', stage: 'PROLOG-BOOT', hosts: ['host-01'], evidence: 'never overlapped' };
    const head: Result = {
      ...base,
      scenario: { ...(base.scenario as object), seed: 9, profile: 'opennebula-4.4' },
      budgets: [{ ...base.budgets[0]!, pass: false, actual: 90 }],
      findings: [finding],
    };
    const c = compareResults(base, head);
    expect(c.budgets[0]).toEqual({ stage: 'total', expression: 'p95 < 80s', base: { pass: true, actual: 38.84 }, head: { pass: false, actual: 90 } });
    expect(c.budgets[1]).toMatchObject({ stage: 'PENDING-PROLOG', head: null });
    expect(c.findings).toEqual({ added: [finding], gone: [] });
    expect(c.scenarioDiffers).toEqual(['profile']); // the seed is not the scenario
  });
});

describe('readResult', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads result.json from a file or a report directory, and refuses anything else in one sentence', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-compare-'));
    writeFileSync(join(dir, 'result.json'), JSON.stringify(sampleResult()));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ stages: {}, budgets: [] }));
    writeFileSync(join(dir, 'bad.json'), '{');
    expect((await readResult(dir, 'BASE')).vms.requested).toBe(6);
    expect((await readResult(join(dir, 'result.json'), 'BASE')).vms.requested).toBe(6);
    await expect(readResult(join(dir, 'none'), 'BASE')).rejects.toThrow(/^BASE ".*none" does not exist/);
    await expect(readResult(join(dir, 'bad.json'), 'HEAD')).rejects.toThrow(/^HEAD ".*bad.json" is not JSON/);
    await expect(readResult(join(dir, 'other.json'), 'HEAD')).rejects.toThrow(/is not a stampede result.json: it lacks stages.START-PENDING, .*findings, vms, lag.clock$/);
  });
});
