import { describe, expect, it } from 'vitest';
import { LostTime } from '../sim/lost-time.js';
import { parseBudgets, type Verdict } from './budgets.js';
import { lagOf, type LagInput } from './lag.js';
import { STAGES, type StageName } from './stages.js';
import type { StageStats } from './stats.js';

const stats = (mean: number | null): StageStats => ({ count: mean === null ? 0 : 1, censored: 0, lowerBound: [], min: mean, mean, p50: mean, p90: mean, p95: mean, p99: mean, max: mean });

function stagesWith(means: Partial<Record<StageName, number>>): Record<StageName, StageStats> {
  const out = {} as Record<StageName, StageStats>;
  for (const s of STAGES) out[s] = stats(means[s] ?? null);
  return out;
}

/** Each VM's intervals, as [from, to] emulated ms per stage. */
function intervals(byStage: Partial<Record<StageName, Array<[number, number]>>>): LagInput['intervals'] {
  return {
    forEachInterval(stage, fn) {
      (byStage[stage] ?? []).forEach(([from, to], i) => fn(from, to, i));
    },
  };
}

/** A scaled clock whose lost time is what the test says it measured: no wall time involved. */
function scaledClock(samples: Array<[atMs: number, busyMs: number, lateMs: number]>, scale = 20): LagInput['clock'] {
  const lost = new LostTime(0);
  for (const [at, busy, late] of samples) lost.record(at, busy, late);
  return {
    kind: 'scaled',
    lag: () => ({ timers: samples.length, meanMs: 1, p99Ms: 2, maxMs: 3, lostMs: lost.totalMs, scale }),
    distortion: (from, to) => lost.between(from, to),
  };
}

const verdict = (stage: string, expression: string, actual: number, threshold: number): Verdict => ({
  stage,
  expression,
  operator: '<',
  actual,
  lowerBound: false,
  pass: actual < threshold,
  unit: 's',
  threshold,
});

// The nightly on scaled:20, as measured: sending the 512 allocations kept the event loop busy for
// 0.33 s of wall time, 6.6 emulated s, before the first answer; the rest of the run lost 1 s more.
const burst = scaledClock([
  [6_600, 6_600, 0],
  [30_000, 500, 0],
  [60_000, 500, 0],
]);
const nightlyIntervals = intervals({
  'START-PENDING': [
    [0, 6_600],
    [0, 6_600],
  ],
  total: [
    [0, 50_000],
    [0, 52_000],
  ],
  'PENDING-PROLOG': [
    [6_600, 8_000],
    [40_000, 41_000],
  ],
});

describe('lagOf', () => {
  it('reports no lost time and no bound in virtual time', () => {
    const lag = lagOf({
      clock: { kind: 'virtual', lag: () => ({ timers: 42, meanMs: 0, p99Ms: 0, maxMs: 0, lostMs: 0, scale: null }), distortion: () => 0 },
      stages: stagesWith({ total: 30 }),
      intervals: nightlyIntervals,
    });
    expect(lag).toMatchObject({ clock: 'virtual', factor: null, auto: null, timers: 42, lostMs: 0, warning: null });
    expect(Object.values(lag.bounds).every((b) => b.mean === 0 && b.quantiles === 0)).toBe(true);
  });

  it("bounds each stage by the harness's own time inside each VM's interval: the mean by the mean, other statistics by the largest", () => {
    const lag = lagOf({ clock: burst, stages: stagesWith({ total: 51, 'START-PENDING': 6.6 }), intervals: nightlyIntervals });
    expect(lag.lostMs).toBe(7_600);
    expect(lag.factor).toBe(20);
    expect(lag.bounds['START-PENDING']).toEqual({ mean: 6.6, quantiles: 6.6 });
    expect(lag.bounds.total).toEqual({ mean: 7.6, quantiles: 7.6 });
    // one VM's PENDING-PROLOG lies in (6.6 s, 30 s], the other's in (30 s, 60 s]: 0.5 s each at most
    expect(lag.bounds['PENDING-PROLOG']).toEqual({ mean: 0.5, quantiles: 0.5 });
    expect(lag.bounds['BOOT-RUNNING']).toEqual({ mean: 0, quantiles: 0 });
  });

  it('says so in a sentence when the bound exceeds a budget\'s margin, and not when the margin is wider', () => {
    const budgets = parseBudgets({ total: 'mean < 60s', 'START-PENDING': 'p95 < 1s' });
    const lag = lagOf({
      clock: burst,
      stages: stagesWith({ total: 50.9, 'START-PENDING': 6.5 }),
      intervals: nightlyIntervals,
      budgets,
      verdicts: [verdict('total', 'mean < 60s', 50.9, 60), verdict('START-PENDING', 'p95 < 1s', 6.5, 1)],
    });
    // total mean: 7.6 s bound against a 9.1 s margin, kept; START-PENDING p95: 6.6 s against 5.5 s
    expect(lag.warning).toBe(
      "the harness's own time may have stretched START-PENDING p95 by up to 6.6 s, more than its 5.5 s margin to the budget " +
        '"p95 < 1s": that verdict may be the emulator\'s, not the stack\'s; lower the clock factor, or let --clock scaled:auto choose it',
    );
  });

  it('names every budget at stake when there are several', () => {
    const budgets = parseBudgets({ total: 'mean < 55s', 'START-PENDING': 'max < 2s', failed: '== 0' });
    const lag = lagOf({
      clock: burst,
      stages: stagesWith({ total: 50.9, 'START-PENDING': 6.5 }),
      intervals: nightlyIntervals,
      budgets,
      verdicts: [verdict('total', 'mean < 55s', 50.9, 55), verdict('START-PENDING', 'max < 2s', 6.6, 2), { ...verdict('failed', '== 0', 0, 0), unit: 'count' }],
    });
    expect(lag.warning).toBe(
      "the harness's own time may have stretched 2 budgets' figures by more than their margins (total mean by up to 7.6 s against a 4.1 s margin, " +
        "START-PENDING max by up to 6.6 s against a 4.6 s margin): those verdicts may be the emulator's, not the stack's; lower the clock factor, or let --clock scaled:auto choose it",
    );
  });

  it('with no budget at stake, names the stage the bound could stretch the most, if that is a real share of it', () => {
    const lag = lagOf({ clock: burst, stages: stagesWith({ total: 50.9, 'START-PENDING': 6.6, 'PENDING-PROLOG': 1.2 }), intervals: nightlyIntervals });
    expect(lag.warning).toBe(
      "the harness's own time may have stretched the START-PENDING mean by up to 6.6 s (100% of it): that stage may measure the emulator, not the stack; lower the clock factor, or let --clock scaled:auto choose it",
    );
    const quiet = scaledClock([[60_000, 20, 0]]);
    expect(lagOf({ clock: quiet, stages: stagesWith({ total: 50.9 }), intervals: nightlyIntervals }).warning).toBeNull();
  });

  it("says when the factor scaled:auto chose did not keep the bound under its target, naming the prediction", () => {
    const auto = { calibration: 'a virtual-time run of the same scenario', workPerVmMs: 230, calibrationTotalMean: 50.9, target: 0.01, predictedBound: 0.506, probe: null };
    const missed = lagOf({ clock: burst, stages: stagesWith({ total: 50.9 }), intervals: intervals({ total: [[0, 50_000]] }), auto });
    expect(missed.auto).toBe(auto);
    expect(missed.warning).toBe(
      "at the factor scaled:auto chose (20), the harness's own time may have stretched the total mean by up to 7.60 s, above its 1% target of 0.51 s " +
        '(the calibration predicted 0.51 s): the harness ran slower here than in its calibration, a busier machine or the cost of real timers; give a lower factor for figures that close',
    );
    const kept = scaledClock([[60_000, 400, 0]], 0.4);
    expect(lagOf({ clock: kept, stages: stagesWith({ total: 50.9 }), intervals: intervals({ total: [[0, 50_000]] }), auto }).warning).toBeNull();
  });
});
