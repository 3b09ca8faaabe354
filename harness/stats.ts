/**
 * Exact statistics of a stage's durations, in emulated seconds.
 *
 * Percentiles are nearest-rank: pNN is the smallest observed value such that at least NN% of the
 * values are at or below it (rank ceil(NN/100 x n), 1-based). Every percentile is therefore a
 * duration some VM really had, budgets like `p95 < 80s` read as "95% of VMs within 80 s" with no
 * interpolation to argue about, and the figures are easy to check by hand. All values are kept
 * (a Float64Array, 8 bytes per VM: 0.8 MB for 100,000 VMs), sorted once.
 *
 * Censoring. A VM the run cut off (deadline or interruption) still counts, in the stage it was
 * stuck in and in `total`, with the time it had spent there when the run ended: its true
 * duration is at least that. So a regression that makes VMs time out can never make a figure
 * look better. A statistic whose value depends on a censored duration is only a lower bound
 * and is listed in `lowerBound`: the mean as soon as one value is censored, and an order
 * statistic (min, pNN, max) when a censored value sits at or below it (raising a censored value
 * can then raise it; raising values above it cannot).
 */

export const STATISTICS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
export type StatisticName = (typeof STATISTICS)[number];

export interface StageStats {
  /** VMs in the statistic, censored ones included */
  count: number;
  /** how many of them were cut off by the end of the run: their durations are lower bounds */
  censored: number;
  /** the statistics below that include a censored duration: lower bounds, shown as `>= x` */
  lowerBound: StatisticName[];
  /** emulated seconds; null when no VM has this stage */
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export class Sample {
  /** ascending, emulated seconds, censored values included */
  readonly sorted: Float64Array;
  /** how many values are censored (lower bounds of durations the run cut off) */
  readonly censored: number;
  /** the smallest censored value in seconds; Infinity when none is */
  private readonly lowestCensored: number;

  private constructor(sorted: Float64Array, censored: number, lowestCensored: number) {
    this.sorted = sorted;
    this.censored = censored;
    this.lowestCensored = lowestCensored;
  }

  /**
   * From durations in emulated milliseconds, and the durations of VMs cut off by the end of the
   * run (each a lower bound of its true duration); every value must be finite.
   */
  static fromMs(durationsMs: ArrayLike<number>, censoredMs: ArrayLike<number> = []): Sample {
    const n = durationsMs.length;
    const seconds = new Float64Array(n + censoredMs.length);
    let lowestCensored = Number.POSITIVE_INFINITY;
    for (let i = 0; i < seconds.length; i += 1) {
      const censored = i >= n;
      const v = censored ? censoredMs[i - n]! : durationsMs[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`${censored ? 'censored duration' : 'duration'} ${censored ? i - n : i} is not a finite number of ms: ${v}`);
      seconds[i] = v / 1000;
      if (censored && seconds[i]! < lowestCensored) lowestCensored = seconds[i]!;
    }
    return new Sample(seconds.sort(), censoredMs.length, lowestCensored);
  }

  /** Whether `value`, an order statistic of this sample, is only a lower bound (see above). */
  isLowerBound(value: number | null): boolean {
    return value !== null && value >= this.lowestCensored;
  }

  /** Every value of several samples as one (a multi-seed run's pooled sample), censored ones still censored. */
  static pool(samples: readonly Sample[]): Sample {
    const all = new Float64Array(samples.reduce((n, s) => n + s.count, 0));
    let at = 0;
    for (const s of samples) {
      all.set(s.sorted, at);
      at += s.count;
    }
    const censored = samples.reduce((n, s) => n + s.censored, 0);
    return new Sample(all.sort(), censored, Math.min(Infinity, ...samples.map((s) => s.lowestCensored)));
  }

  get count(): number {
    return this.sorted.length;
  }

  /** Nearest-rank percentile, p in [0, 100]; p0 is the minimum. */
  percentile(p: number): number | null {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
    const n = this.sorted.length;
    if (n === 0) return null;
    // p*n/100 computed in that order keeps integral ranks exact (95*20/100 is 19, not 19.000000000000004).
    const rank = Math.min(n, Math.max(1, Math.ceil((p * n) / 100 - 1e-9)));
    return this.sorted[rank - 1]!;
  }

  mean(): number | null {
    const n = this.sorted.length;
    if (n === 0) return null;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += this.sorted[i]!;
    return sum / n;
  }

  /** Whether the statistic as a budget names it (`mean`, `max`, `p95`, ...) is only a lower bound. */
  lowerBoundOf(statistic: string, value: number | null): boolean {
    if (this.censored === 0 || value === null) return false;
    return statistic === 'mean' || this.isLowerBound(value);
  }

  summary(): StageStats {
    const n = this.sorted.length;
    const values: Record<StatisticName, number | null> = {
      min: n === 0 ? null : this.sorted[0]!,
      mean: this.mean(),
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: n === 0 ? null : this.sorted[n - 1]!,
    };
    const lowerBound = STATISTICS.filter((s) => this.lowerBoundOf(s, values[s]));
    return { count: n, censored: this.censored, lowerBound, ...values };
  }
}
