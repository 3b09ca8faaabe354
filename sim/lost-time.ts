/**
 * Where a scaled clock's emulated time went that the emulated cloud did not live: the emulator's
 * own busy time (the harness, the farm, an embedded stack running on the event loop) and timers
 * that fired late. Kept as a cumulative function of emulated time, so the time lost inside any
 * interval [from, to] is one subtraction: an upper bound on how much the emulator stretched an
 * interval measured between those instants (docs/architecture.md, "Lag").
 *
 * The function is sampled whenever a timer fires. Between two samples the clock lost at least the
 * busy time the event loop reports and at least the lateness of the timer that woke it (both in
 * emulated ms); it takes the larger, so a timer late because the loop was busy is not counted
 * twice. Samples closer than `resolutionMs` are merged, which keeps memory bounded and only ever
 * widens a bound.
 */
/** A LostTime as plain data, for another process: sample instants and the cumulative ms lost by each. */
export interface LostTimeSamples {
  at: number[];
  lost: number[];
}

export class LostTime {
  private at: Float64Array = new Float64Array(256);
  private lost: Float64Array = new Float64Array(256);
  private n = 0;
  private total = 0;

  /** @param resolutionMs emulated ms below which successive samples merge */
  constructor(private readonly resolutionMs: number) {
    if (!(resolutionMs >= 0)) throw new RangeError(`lost-time resolution must be >= 0 ms, got ${resolutionMs}`);
  }

  /**
   * One sample at emulated time `atMs`: `busyMs` emulated ms of busy event loop since the last
   * sample, and `lateMs`, how late the timer firing now is (0 when no timer is late).
   */
  record(atMs: number, busyMs: number, lateMs: number): void {
    const last = this.n === 0 ? 0 : this.at[this.n - 1]!;
    const span = Math.max(0, atMs - last);
    this.total += Math.max(Math.max(0, busyMs), Math.min(Math.max(0, lateMs), span));
    if (this.n > 0 && atMs - last < this.resolutionMs) {
      this.at[this.n - 1] = Math.max(last, atMs);
      this.lost[this.n - 1] = this.total;
      return;
    }
    if (this.n === this.at.length) this.grow();
    this.at[this.n] = atMs;
    this.lost[this.n] = this.total;
    this.n += 1;
  }

  /** Emulated ms lost in all, up to the last sample. */
  get totalMs(): number {
    return this.total;
  }

  /**
   * Emulated ms lost within [fromMs, toMs], rounded outwards to the samples around it: from the
   * last sample at or before `fromMs` to the first at or after `toMs` (or the last sample).
   */
  between(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs) || this.n === 0) return 0;
    // last sample <= from: its cumulative value, or 0 before the first sample
    const a = this.lastAtOrBefore(fromMs);
    const before = a < 0 ? 0 : this.lost[a]!;
    // first sample >= to, or the last sample when `to` is past them all
    const c = this.lastAtOrBefore(toMs);
    const b = c >= 0 && this.at[c] === toMs ? c : Math.min(this.n - 1, c + 1);
    return Math.max(0, this.lost[b]! - before);
  }

  /**
   * The samples as plain data, thinned to one per `resolutionMs` (and always the last): dropping a
   * sample only moves the interval a bound is read over outwards, so a thinned record still bounds.
   */
  samples(resolutionMs = 0): LostTimeSamples {
    const at: number[] = [];
    const lost: number[] = [];
    for (let i = 0; i < this.n; i += 1) {
      const last = i === this.n - 1;
      if (!last && at.length > 0 && this.at[i]! - at[at.length - 1]! < resolutionMs) continue;
      at.push(this.at[i]!);
      lost.push(this.lost[i]!);
    }
    return { at, lost };
  }

  /**
   * A record rebuilt from another process's samples, moved onto this process's timeline by
   * `shiftMs` (that clock's offset): what it lost, where it lost it.
   */
  static fromSamples(samples: LostTimeSamples, shiftMs = 0): LostTime {
    const n = Math.min(samples.at.length, samples.lost.length);
    const record = new LostTime(0);
    record.at = new Float64Array(Math.max(1, n));
    record.lost = new Float64Array(Math.max(1, n));
    for (let i = 0; i < n; i += 1) {
      record.at[i] = samples.at[i]! + shiftMs;
      record.lost[i] = samples.lost[i]!;
    }
    record.n = n;
    record.total = n === 0 ? 0 : samples.lost[n - 1]!;
    return record;
  }

  /** Index of the last sample at or before `t`, -1 if none. */
  private lastAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private grow(): void {
    const at = new Float64Array(this.at.length * 2);
    at.set(this.at);
    const lost = new Float64Array(this.lost.length * 2);
    lost.set(this.lost);
    this.at = at;
    this.lost = lost;
  }
}
