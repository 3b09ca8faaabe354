/**
 * `stampede tune`: the stack configuration a workload needs (docs/architecture.md "Tuning").
 * The scenario's workload, hosts and pathologies stay as they are; only configuration moves:
 * the knobs given, over their ranges. Every configuration tried is run once per seed, in virtual
 * time, and judged on the pooled sample, as `--seeds` judges a run:
 *
 *   - the objective is one stage statistic (`total p95`), lower is better;
 *   - the scenario's budgets are constraints: a configuration that holds every one ranks ahead
 *     of any that fails one, whatever its objective; among those that fail, the objective
 *     decides (counting failed budgets would prefer a slower stack whose queue sits in a stage
 *     without a budget);
 *   - a gain counts only beyond the seeds' noise: every seed of the new configuration must beat
 *     every seed of the start, by more than 0.1 s (the precision figures are shown to). When the
 *     best configuration does not, it is reported as no gain: the stack is already tuned for
 *     this workload. The start's seed spread (its highest seed minus its lowest, at least 0.1 s)
 *     is the noise the front and the sensitivity are read against;
 *   - the knobs that spend something (threads, connections, dispatches) give each configuration
 *     its resources, and the answer is the Pareto front of objective against them;
 *   - sensitivity: from the best configuration, each knob alone moved to the ends of its range;
 *     the recommendation leaves the knobs within the noise where they started.
 */
import { UserError, didYouMean } from '../errors.js';
import type { Result } from '../result.js';
import type { ResolvedScenario, StackProfile } from '../scenario.js';
import { runSeeds } from '../seeds.js';
import { STAGES, type StageName } from '../stages.js';
import { STATISTICS, type StatisticName } from '../stats.js';
import { positionOf, readKnob, resourcesOf, valueAt, withKnobs, type Dimension, type KnobValue, type Resource } from './knobs.js';
import { STRATEGIES, type StopReason, type Strategy } from './search.js';

/** Figures are shown to 0.1 s: a smaller gain is none. */
export const MIN_GAIN_S = 0.1;
/** A candidate whose objective no VM reached ranks behind every one that has one. */
const UNREACHED = 1e12;

export interface Objective {
  stage: StageName;
  statistic: StatisticName;
}

/** `total p95`, `p95 total`, `PENDING-PROLOG mean`: one stage and one statistic. */
export function parseObjective(text: string): Objective {
  const words = text.trim().split(/[\s.]+/).filter((w) => w !== '');
  const stage = words.find((w) => (STAGES as readonly string[]).includes(w));
  const statistic = words.find((w) => (STATISTICS as readonly string[]).includes(w));
  if (words.length === 2 && stage !== undefined && statistic !== undefined) return { stage: stage as StageName, statistic: statistic as StatisticName };
  const other = words.find((w) => w !== stage && w !== statistic) ?? text;
  throw new UserError(
    `--objective takes a stage and a statistic, e.g. 'total p95' (stages: ${STAGES.join(', ')}; statistics: ${STATISTICS.join(', ')}), got "${text}"${didYouMean(other, [...STAGES, ...STATISTICS])}`,
  );
}

export interface Candidate {
  /** the tuned knobs' values, by profile path */
  values: Record<string, KnobValue>;
  /** the objective on the pooled sample of every seed; null when no VM reached the stage */
  objective: number | null;
  /** the objective of each seed's run, in seed order */
  perSeed: Array<number | null>;
  /** highest seed minus lowest: the noise of this configuration's objective */
  spread: number;
  /** every VM's mean and the slowest VM (total, pooled) */
  total: { mean: number | null; max: number | null };
  /** budgets the pooled sample fails, as `stage expression` */
  failedBudgets: string[];
  /** pathologies the detectors named in its runs: code, which no knob changes */
  pathologies: string[];
  /** what the configuration spends, for the knobs tuned that spend something */
  resources: Partial<Record<Resource, number>>;
  /** 0 for the starting configuration, then in the order tried */
  order: number;
}

export interface Sensitivity {
  knob: string;
  /** the objective with this knob alone moved, from the best configuration */
  tried: Array<{ value: KnobValue; objective: number | null }>;
  /** the largest change of the objective, either way, seconds; null when not measured (runs spent) */
  effect: number | null;
  /** the effect is beyond the noise */
  matters: boolean;
}

export interface Tuning {
  objective: Objective;
  seeds: number[];
  /** runs allowed and runs made (one per configuration and seed) */
  runs: { budget: number; spent: number };
  stopped: StopReason;
  start: Candidate;
  /** the best configuration found by the ranking (budgets first, then objective) */
  best: Candidate;
  /**
   * what tune recommends: the cheapest configuration within the noise of the best, with the knobs
   * whose sensitivity is within the noise back at their starting values when a run confirms it
   * stays within the noise; the start when nothing gains
   */
  recommended: Candidate;
  /** best's objective below start's, seconds (negative: worse) */
  gain: number | null;
  /** the start's seed spread, at least MIN_GAIN_S: what the front and the sensitivity are read against */
  noise: number;
  /** `improved`, or `already tuned` when the best configuration's seeds do not all beat the start's (see beats) */
  verdict: 'improved' | 'already tuned';
  /** objective against resources: each dearer member gains more than the noise over the cheaper ones */
  front: Candidate[];
  sensitivity: Sensitivity[];
  /** every configuration run, in order */
  candidates: Candidate[];
}

export interface TuneOptions {
  dims: readonly Dimension[];
  objective: Objective;
  /** runs at most; each configuration costs one run per seed */
  runs: number;
  seeds: readonly number[];
  /** the search's own seed (default 1) */
  searchSeed?: number;
  /** compass (default); random and grid are the baselines bench/tune.ts compares it with */
  strategy?: Strategy;
  /** after each configuration, for a progress line */
  onCandidate?: (c: Candidate, t: { spent: number; budget: number; best: Candidate }) => void;
  signal?: AbortSignal;
  /** runs one configuration over the seeds (default runSeeds); tests may count or replace it */
  runConfiguration?: (resolved: ResolvedScenario) => Promise<Result>;
}

/** The fewest runs a tune of `knobs` knobs over `seeds` seeds takes: start, a first look, sensitivity. */
export function fewestRuns(dims: readonly Dimension[], seeds: number): number {
  return seeds * (2 + dims.length + reserved(dims));
}

/** Configurations kept for after the search: each knob's sensitivity, and the recommendation's check. */
function reserved(dims: readonly Dimension[]): number {
  return dims.reduce((n, d) => n + sensitivityValues(d).length, 0) + 1;
}

function dimOf(dims: readonly Dimension[], path: string): Dimension {
  return dims.find((d) => d.knob.path === path)!;
}

/** The values a knob is tried at for its sensitivity: its range's ends, or every listed value. */
function sensitivityValues(dim: Dimension): KnobValue[] {
  if (dim.values) return [...dim.values];
  return [valueAt(dim, 0), valueAt(dim, 1)];
}

export async function tune(resolved: ResolvedScenario, options: TuneOptions): Promise<Tuning> {
  const { dims, objective } = options;
  if (dims.length === 0) throw new UserError('tune needs at least one --knob PATH=RANGE, e.g. --knob scheduler.SCHED_INTERVAL=1s..30s');
  const twice = dims.find((d, i) => dims.findIndex((o) => o.knob.path === d.knob.path) !== i);
  if (twice) throw new UserError(`--knob ${twice.knob.path} is given twice; give each knob once`);
  const seeds = [...options.seeds];
  const least = fewestRuns(dims, seeds.length);
  if (options.runs < least) {
    throw new UserError(
      `--runs ${options.runs} is too few: ${dims.length} knob${dims.length === 1 ? '' : 's'} over ${seeds.length} seed${seeds.length === 1 ? '' : 's'} take at least ${least} runs (the start, a first look at each knob and its sensitivity)`,
    );
  }
  if (resolved.launch.mode !== 'embedded') {
    throw new UserError(`tune searches the reference stack in virtual time, embedded; the scenario launches it as "${resolved.launch.mode}", where a configuration cannot be changed per run`);
  }
  const runConfiguration = options.runConfiguration ?? ((r: ResolvedScenario) => runSeeds(r));
  const tuned = new Set(dims.map((d) => d.knob.path));
  const base = resolved.profile;
  const cache = new Map<string, Candidate>();
  const candidates: Candidate[] = [];
  let spent = 0;
  let best: Candidate | undefined;

  const evaluate = async (values: Record<string, KnobValue>): Promise<Candidate> => {
    const key = JSON.stringify(values);
    const seen = cache.get(key);
    if (seen) return seen;
    const profile = withKnobs(base, new Map(Object.entries(values)));
    // always virtual time: a scaled clock would make every run take its emulated minutes
    const result = await runConfiguration({ ...resolved, profile, seeds, clock: { kind: 'virtual' }, scenario: { ...resolved.scenario, seed: seeds[0]!, clock: 'virtual' } });
    spent += seeds.length;
    const c = candidate(result, values, objective, resourcesOf(profile, tuned), candidates.length);
    cache.set(key, c);
    candidates.push(c);
    if (best === undefined || rank(c) < rank(best)) best = c;
    options.onCandidate?.(c, { spent, budget: options.runs, best });
    return c;
  };
  const valuesAt = (u: readonly number[]): Record<string, KnobValue> => Object.fromEntries(dims.map((d, i) => [d.knob.path, valueAt(d, u[i]!)]));

  const startValues = Object.fromEntries(dims.map((d) => [d.knob.path, readKnob(base, d.knob.path)]));
  const start = await evaluate(startValues);
  const noise = Math.max(MIN_GAIN_S, start.spread);
  const startAt = dims.map((d) => positionOf(d, startValues[d.knob.path]!));
  const inSpace = startAt.every((u) => u !== undefined);
  const configurations = Math.floor(options.runs / seeds.length) - reserved(dims);
  const outcome = await STRATEGIES[options.strategy ?? 'compass']({
    dims: dims.length,
    budget: inSpace ? configurations : configurations - 1,
    seed: options.searchSeed ?? 1,
    ...(inSpace ? { start: startAt as number[] } : {}),
    key: (u) => JSON.stringify(valuesAt(u)),
    evaluate: async (u) => rank(await evaluate(valuesAt(u))),
    minGain: MIN_GAIN_S,
    ...(options.signal ? { signal: options.signal } : {}),
  });

  // each knob alone, from the best configuration, while runs remain
  const sensitivity: Sensitivity[] = [];
  const from = best!;
  for (const dim of dims) {
    const tried: Sensitivity['tried'] = [];
    for (const value of sensitivityValues(dim)) {
      const values = { ...from.values, [dim.knob.path]: value };
      const known = cache.get(JSON.stringify(values));
      if (!known && (spent + seeds.length > options.runs || options.signal?.aborted)) continue;
      tried.push({ value, objective: (known ?? (await evaluate(values))).objective });
    }
    const measured = tried.filter((t) => t.objective !== null && from.objective !== null);
    const effect = measured.length === 0 ? null : Math.max(...measured.map((t) => Math.abs(t.objective! - from.objective!)));
    sensitivity.push({ knob: dim.knob.path, tried, effect, matters: effect !== null && effect > noise });
  }

  const winner = best!;
  const gain = start.objective === null || winner.objective === null ? null : start.objective - winner.objective;
  const improved = beats(winner, start);
  const front = paretoFront(candidates, start, winner, noise);
  let recommended = improved ? front.at(-1) ?? winner : start;
  if (!beats(recommended, start)) recommended = winner;
  if (improved) {
    // change only what matters: the knobs within the noise go back to where they started, if a
    // run confirms the configuration stays within the noise of the best
    const plain = { ...recommended.values };
    for (const s of sensitivity) if (!s.matters && s.effect !== null && positionOf(dimOf(dims, s.knob), startValues[s.knob]!) !== undefined) plain[s.knob] = startValues[s.knob]!;
    const known = cache.get(JSON.stringify(plain));
    if (known || (spent + seeds.length <= options.runs && !options.signal?.aborted)) {
      const c = known ?? (await evaluate(plain));
      if (c.objective !== null && winner.objective !== null && c.objective <= winner.objective + noise && c.failedBudgets.length <= recommended.failedBudgets.length && beats(c, start)) recommended = c;
    }
  }
  return {
    objective,
    seeds,
    runs: { budget: options.runs, spent },
    stopped: outcome.stopped,
    start,
    best: winner,
    recommended,
    gain,
    noise,
    verdict: improved ? 'improved' : 'already tuned',
    front,
    sensitivity,
    candidates,
  };
}

/**
 * Whether a configuration really improves on the start: it holds every budget where the start
 * failed one, or every one of its seeds beats every seed of the start by more than MIN_GAIN_S
 * (its slowest seed below the start's fastest). A gain within the seeds' spread is none.
 */
export function beats(c: Candidate, start: Candidate): boolean {
  if (c.failedBudgets.length === 0 && start.failedBudgets.length > 0) return true;
  if (c.failedBudgets.length > start.failedBudgets.length && start.failedBudgets.length === 0) return false;
  const mine = c.perSeed.map((v) => v ?? Number.POSITIVE_INFINITY);
  const theirs = start.perSeed.map((v) => v ?? Number.POSITIVE_INFINITY);
  return Math.max(...mine) < Math.min(...theirs) - MIN_GAIN_S;
}

/** The search's score: holding every budget first, then the objective. */
function rank(c: Candidate): number {
  return (c.failedBudgets.length > 0 ? UNREACHED * 10 : 0) + (c.objective ?? UNREACHED);
}

function candidate(result: Result, values: Record<string, KnobValue>, objective: Objective, resources: Candidate['resources'], order: number): Candidate {
  const perSeed = result.seeds ? result.seeds.runs.map((r) => r.stages[objective.stage][objective.statistic]) : [result.stages[objective.stage][objective.statistic]];
  const known = perSeed.filter((v): v is number => v !== null);
  return {
    values,
    objective: result.stages[objective.stage][objective.statistic],
    perSeed,
    spread: known.length === 0 ? 0 : Math.max(...known) - Math.min(...known),
    total: { mean: result.stages.total.mean, max: result.stages.total.max },
    failedBudgets: result.budgets.filter((v) => !v.pass).map((v) => `${v.stage} ${v.expression}`),
    pathologies: [...new Set(result.findings.map((f) => f.pathology))],
    resources,
    order,
  };
}

/**
 * Objective against resources. A configuration's cost is the geometric mean, over the resources
 * the tuned knobs spend, of its figure over the start's (1 = as dear as the start). The front:
 * the configurations no slower than the start (holding every budget, unless the best fails one)
 * that no other beats on the objective at no more cost. Then, from the cheapest, a dearer one
 * stays only if it gains more than the noise over the last one kept: ordered cheapest (slowest)
 * first, the last is the cheapest configuration within the noise of the best.
 */
export function paretoFront(candidates: readonly Candidate[], start: Candidate, best: Candidate, noise: number): Candidate[] {
  const eligible = candidates.filter(
    (c) =>
      c.objective !== null &&
      (start.objective === null || c.objective <= start.objective) &&
      (best.failedBudgets.length > 0 || c.failedBudgets.length === 0),
  );
  const cost = (c: Candidate): number => relativeCost(c, start);
  const strict = eligible.filter((c) => !eligible.some((o) => o !== c && o.objective! <= c.objective! && cost(o) <= cost(c) && (o.objective! < c.objective! || cost(o) < cost(c))));
  const cheapestFirst = [...strict].sort((a, b) => cost(a) - cost(b) || a.order - b.order);
  const kept: Candidate[] = [];
  for (const c of cheapestFirst) {
    const last = kept.at(-1);
    if (last === undefined || c.objective! < last.objective! - noise) kept.push(c);
  }
  return kept;
}

/** The geometric mean of a configuration's resources over the start's; 1 when nothing tuned spends any. */
export function relativeCost(c: Candidate, start: Candidate): number {
  const ratios = (Object.keys(start.resources) as Resource[]).map((r) => (c.resources[r] ?? 0) / start.resources[r]!);
  if (ratios.length === 0) return 1;
  return Math.exp(ratios.reduce((n, x) => n + Math.log(x), 0) / ratios.length);
}
