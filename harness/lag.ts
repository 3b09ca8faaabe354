import type { Clock } from '../sim/clock.js';
import type { StackProcessLag } from './remote-clock.js';
import type { Budget, Verdict } from './budgets.js';
import { STAGES, type BoundaryTable, type StageName } from './stages.js';
import type { StageStats } from './stats.js';

/** How far the emulator may have moved one stage's statistics, in emulated seconds. */
export interface StageDistortion {
  /** bound on how much the stage's mean was stretched: the mean of each VM's bound */
  mean: number;
  /** bound for any other statistic (min, pNN, max): the largest bound of one VM */
  quantiles: number;
}

/** How `--clock scaled:auto` chose its factor (docs/architecture.md, "Lag"). */
export interface AutoFactor {
  /** what the calibration ran */
  calibration: string;
  /** wall ms of the harness's own work inside the average VM's START..NET-MSG, as the calibration measured it */
  workPerVmMs: number;
  /** the calibration's total mean, emulated s */
  calibrationTotalMean: number;
  /** the share of the total mean the bound is kept under */
  target: number;
  /** the bound on the total mean that the chosen factor predicts, emulated s */
  predictedBound: number;
  /** the probe that checked the prediction in the run's own launch mode: its factor and the bound it measured (emulated s) */
  probe: { factor: number; bound: number; totalMean: number | null } | null;
}

/**
 * How far the emulator fell behind its own schedule during the run, and how much that could
 * have moved each stage (docs/architecture.md, "Lag").
 */
export interface Lag {
  clock: 'virtual' | 'scaled';
  /** emulated seconds per wall second; null in virtual time */
  factor: number | null;
  /** how scaled:auto chose the factor; null when the factor was given */
  auto: AutoFactor | null;
  /** timers that fired */
  timers: number;
  /** lateness of timers, in emulated ms (0 in virtual time, by construction) */
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /** emulated ms the harness and farm themselves took in the whole run, busy or late (0 in virtual time) */
  lostMs: number;
  /**
   * What the stack's own process lost, when it runs apart from the harness and serves its clock
   * (process and container modes with our reference stack); its lost time is in `bounds`.
   */
  stack?: StackProcessLag;
  /** per stage, a bound on how far the emulator may have stretched its figures */
  bounds: Record<StageName, StageDistortion>;
  /** set when the bound could change a verdict or a stage: one sentence naming it */
  warning: string | null;
}

export interface LagInput {
  clock: Pick<Clock, 'kind' | 'lag' | 'distortion'>;
  stages: Readonly<Record<StageName, StageStats>>;
  /** each VM's stage intervals; without them every bound is 0 */
  intervals?: Pick<BoundaryTable, 'forEachInterval'>;
  /** the run's budgets and their verdicts, in the same order */
  budgets?: readonly Budget[];
  verdicts?: readonly Verdict[];
  auto?: AutoFactor | null;
  stack?: StackProcessLag;
}

/** Without a budget at stake, a stage is called distorted when its mean may be stretched by this share... */
const STAGE_SHARE = 0.05;
/** ...and by at least this much, emulated s (a 0.0 s stage is not distorted by a millisecond). */
const STAGE_FLOOR_S = 0.05;

const ADVICE = 'lower the clock factor, or let --clock scaled:auto choose it';

export function lagOf(input: LagInput): Lag {
  const { clock, stages } = input;
  const { timers, meanMs, p99Ms, maxMs, lostMs, scale } = clock.lag();
  const bounds = {} as Record<StageName, StageDistortion>;
  for (const stage of STAGES) {
    let sum = 0;
    let max = 0;
    let n = 0;
    input.intervals?.forEachInterval(stage, (from, to) => {
      const d = clock.distortion(from, to);
      sum += d;
      if (d > max) max = d;
      n += 1;
    });
    bounds[stage] = { mean: n === 0 ? 0 : sum / n / 1000, quantiles: max / 1000 };
  }
  return {
    clock: clock.kind,
    factor: scale,
    auto: input.auto ?? null,
    timers,
    meanMs,
    p99Ms,
    maxMs,
    lostMs,
    ...(input.stack ? { stack: input.stack } : {}),
    bounds,
    warning:
      budgetWarning(bounds, input.budgets ?? [], input.verdicts ?? []) ??
      autoWarning(scale, input.auto ?? null, bounds, stages) ??
      stageWarning(bounds, stages),
  };
}

const s1 = (v: number): string => `${v.toFixed(1)} s`;

/** The budgets whose margin the bound exceeds: their verdict could flip without the emulator's own time. */
function budgetWarning(bounds: Record<StageName, StageDistortion>, budgets: readonly Budget[], verdicts: readonly Verdict[]): string | null {
  const hit: Array<{ what: string; expression: string; bound: number; margin: number }> = [];
  budgets.forEach((b, i) => {
    const v = verdicts[i];
    if (!v || v.actual === null || b.unit !== 's' || b.statistic === 'count' || !(STAGES as readonly string[]).includes(b.stage)) return;
    const stage = bounds[b.stage as StageName];
    const bound = b.statistic === 'mean' ? stage.mean : stage.quantiles;
    const margin = Math.abs(b.threshold - v.actual);
    if (bound > 0 && bound > margin) hit.push({ what: `${b.stage} ${b.statistic}`, expression: b.expression, bound, margin });
  });
  if (hit.length === 0) return null;
  if (hit.length === 1) {
    const h = hit[0]!;
    return (
      `the harness's own time may have stretched ${h.what} by up to ${s1(h.bound)}, more than its ${s1(h.margin)} margin ` +
      `to the budget "${h.expression}": that verdict may be the emulator's, not the stack's; ${ADVICE}`
    );
  }
  const list = hit.map((h) => `${h.what} by up to ${s1(h.bound)} against a ${s1(h.margin)} margin`).join(', ');
  return `the harness's own time may have stretched ${hit.length} budgets' figures by more than their margins (${list}): those verdicts may be the emulator's, not the stack's; ${ADVICE}`;
}

/** scaled:auto's factor did not keep the bound under its target: the calibration's prediction missed. */
function autoWarning(
  factor: number | null,
  auto: AutoFactor | null,
  bounds: Record<StageName, StageDistortion>,
  stages: Readonly<Record<StageName, StageStats>>,
): string | null {
  const mean = stages.total.mean;
  if (auto === null || mean === null) return null;
  const target = auto.target * mean;
  if (bounds.total.mean <= target) return null;
  return (
    `at the factor scaled:auto chose (${factor}), the harness's own time may have stretched the total mean by up to ` +
    `${bounds.total.mean.toFixed(2)} s, above its ${Math.round(auto.target * 100)}% target of ${target.toFixed(2)} s ` +
    `(the calibration predicted ${auto.predictedBound.toFixed(2)} s): the harness ran slower here than in its calibration, a busier machine or the cost of real timers; ` +
    `give a lower factor for figures that close`
  );
}

/** With no verdict at stake: the stage whose mean the bound could stretch the most, if that is a real share of it. */
function stageWarning(bounds: Record<StageName, StageDistortion>, stages: Readonly<Record<StageName, StageStats>>): string | null {
  let worst: { stage: StageName; bound: number; share: number } | undefined;
  for (const stage of STAGES) {
    const mean = stages[stage].mean;
    const bound = bounds[stage].mean;
    if (mean === null || bound < STAGE_FLOOR_S) continue;
    const share = mean > 0 ? bound / mean : Infinity;
    if (share > STAGE_SHARE && (!worst || share > worst.share)) worst = { stage, bound, share };
  }
  if (!worst) return null;
  const pct = Number.isFinite(worst.share) ? `${Math.round(worst.share * 100)}% of it` : 'all of it';
  return `the harness's own time may have stretched the ${worst.stage} mean by up to ${s1(worst.bound)} (${pct}): that stage may measure the emulator, not the stack; ${ADVICE}`;
}
