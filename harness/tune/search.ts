/**
 * The search `stampede tune` runs (docs/architecture.md "Tuning"): minimizes a score over the
 * unit cube, one coordinate per knob, in as few evaluations as it can. Each evaluation is a run of
 * the scenario per seed, so runs are what it spends.
 *
 *   1. the starting point (the scenario's own configuration), then a Latin hypercube: a few points
 *      that cover every knob's range evenly, one per stratum of each knob;
 *   2. from the best of them, a compass search: step each knob up and down by `s`, move to the
 *      first neighbour that gains more than `minGain` and keep going that way while it pays; when
 *      no neighbour does, halve `s`.
 *   3. it stops when the step is finer than any knob can resolve (converged), when 4 x knobs (at least 8)
 *      evaluations in a row (two full polls) gained nothing (more runs stop paying), or at the budget.
 *
 * Points that round to the same configuration (`key`) are one evaluation: a step too small to
 * change a whole-number knob costs nothing. Seeded (sim/random.ts): the same seed gives the same
 * sequence of evaluations. Random and grid search are here too, as the baselines it must beat at
 * the same budget (search.test.ts, bench/tune.ts).
 */
import { Random, type RandomStream } from '../../sim/random.js';

export interface SearchProblem {
  /** how many coordinates (knobs) */
  dims: number;
  /** distinct evaluations at most */
  budget: number;
  seed: number;
  /** the point configurations are compared with, evaluated first (its key counts as one evaluation) */
  start?: readonly number[];
  /** points with the same key are the same configuration: evaluated once */
  key: (u: readonly number[]) => string;
  /** lower is better */
  evaluate: (u: readonly number[]) => Promise<number>;
  /** a gain below this is none (default 0) */
  minGain?: number;
  /** stops between evaluations, keeping what it found */
  signal?: AbortSignal;
}

export interface Evaluation {
  u: number[];
  key: string;
  score: number;
}

export type StopReason = 'converged' | 'no gain' | 'budget' | 'aborted';

export interface SearchOutcome {
  /** every distinct configuration evaluated, in order */
  evaluations: Evaluation[];
  best: Evaluation;
  stopped: StopReason;
}

/** A step finer than this (in the unit cube) is below what any knob resolves: converged. */
const FINEST_STEP = 1 / 256;
const FIRST_STEP = 0.25;

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason);
  }
}

/** Keeps the evaluations, answers repeats from memory, and stops at the budget or the signal. */
class Ledger {
  readonly evaluations: Evaluation[] = [];
  private readonly byKey = new Map<string, Evaluation>();
  best: Evaluation | undefined;
  /** evaluations since the best last gained more than minGain */
  sinceGain = 0;

  constructor(private readonly p: SearchProblem) {}

  async score(u: readonly number[]): Promise<Evaluation> {
    const point = u.map((x) => Math.min(1, Math.max(0, x)));
    const key = this.p.key(point);
    const seen = this.byKey.get(key);
    if (seen) return seen;
    if (this.p.signal?.aborted) throw new Stop('aborted');
    if (this.evaluations.length >= this.p.budget) throw new Stop('budget');
    const e: Evaluation = { u: point, key, score: await this.p.evaluate(point) };
    this.byKey.set(key, e);
    this.evaluations.push(e);
    if (this.best === undefined || e.score < this.best.score - (this.p.minGain ?? 0)) {
      this.best = e;
      this.sinceGain = 0;
    } else {
      if (e.score < this.best.score) this.best = e;
      this.sinceGain += 1;
    }
    return e;
  }
}

async function finish(ledger: Ledger, body: () => Promise<StopReason>): Promise<SearchOutcome> {
  let stopped: StopReason;
  try {
    stopped = await body();
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    stopped = error.reason;
  }
  if (ledger.best === undefined) throw new Error('the search evaluated nothing: its budget must be at least 1');
  return { evaluations: ledger.evaluations, best: ledger.best, stopped };
}

/** n points of a Latin hypercube in d dimensions: each coordinate's n strata hit once each. */
export function latinHypercube(n: number, d: number, stream: RandomStream): number[][] {
  const columns = Array.from({ length: d }, () => shuffle([...Array(n).keys()], stream));
  return Array.from({ length: n }, (_, i) => columns.map((col) => (col[i]! + stream.next()) / n));
}

function shuffle<T>(items: T[], stream: RandomStream): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = stream.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The tuner: Latin hypercube start, then compass search from the best point. */
export function compassSearch(p: SearchProblem): Promise<SearchOutcome> {
  const ledger = new Ledger(p);
  const random = new Random(p.seed);
  const patience = 4 * Math.max(2, p.dims);
  return finish(ledger, async () => {
    if (p.start) await ledger.score(p.start);
    for (const u of latinHypercube(Math.min(2 * p.dims + 2, p.budget), p.dims, random.stream('lhs'))) await ledger.score(u);
    ledger.sinceGain = 0;
    const order = random.stream('order');
    let step = FIRST_STEP;
    let at = ledger.best!;
    while (step >= FINEST_STEP) {
      let moved = false;
      for (const i of shuffle([...Array(p.dims).keys()], order)) {
        for (const dir of [1, -1]) {
          // keep going while it pays: a thread count that helps at 32 may help more at 64
          for (;;) {
            if (ledger.sinceGain >= patience) return 'no gain';
            const next = [...at.u];
            next[i] = Math.min(1, Math.max(0, next[i]! + dir * step));
            if (next[i] === at.u[i]) break;
            const e = await ledger.score(next);
            if (!(e.score < at.score - (p.minGain ?? 0))) break;
            at = e;
            moved = true;
          }
        }
      }
      if (!moved) step /= 2;
    }
    return 'converged';
  });
}

/** The baseline: uniform random points. */
export function randomSearch(p: SearchProblem): Promise<SearchOutcome> {
  const ledger = new Ledger(p);
  const stream = new Random(p.seed).stream('random');
  return finish(ledger, async () => {
    if (p.start) await ledger.score(p.start);
    // repeats of a configuration are free, so a small space is exhausted rather than looped on
    for (let tries = 0; tries < p.budget * 20; tries += 1) await ledger.score(Array.from({ length: p.dims }, () => stream.next()));
    return 'budget';
  });
}

/** The other baseline: a full grid of k levels per knob, the largest k with k^d within the budget. */
export function gridSearch(p: SearchProblem): Promise<SearchOutcome> {
  const ledger = new Ledger(p);
  return finish(ledger, async () => {
    if (p.start) await ledger.score(p.start);
    const left = p.budget - ledger.evaluations.length;
    const k = Math.max(2, Math.floor(left ** (1 / p.dims) + 1e-9));
    const total = k ** p.dims;
    for (let n = 0; n < total; n += 1) {
      const u: number[] = [];
      for (let i = 0, rest = n; i < p.dims; i += 1, rest = Math.floor(rest / k)) u.push((rest % k) / (k - 1));
      await ledger.score(u);
    }
    return 'budget';
  });
}

export const STRATEGIES = { compass: compassSearch, random: randomSearch, grid: gridSearch } as const;
export type Strategy = keyof typeof STRATEGIES;
