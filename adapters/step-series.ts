/**
 * A count that steps up and down in emulated time (actions in flight), kept as its full step
 * series and its peak. Changes at the same instant are folded into one point holding the value
 * the instant ends with, so the peak does not depend on the order of simultaneous events: a
 * lock released and re-taken at t is one action in flight at t, not two.
 */
export class StepSeries {
  /** emulated ms of each step, strictly increasing */
  readonly t: number[] = [];
  /** the count from t[i] until t[i+1] */
  readonly n: number[] = [];
  private current = 0;
  /** peak over all points but the last, which may still change */
  private settledPeak = 0;

  change(at: number, delta: number): void {
    this.current += delta;
    const last = this.t.length - 1;
    if (last >= 0 && this.t[last] === at) {
      this.n[last] = this.current;
      return;
    }
    if (last >= 0 && this.n[last]! > this.settledPeak) this.settledPeak = this.n[last]!;
    this.t.push(at);
    this.n.push(this.current);
  }

  /** The count now. */
  get value(): number {
    return this.current;
  }

  /** The highest count any instant ended with. */
  get peak(): number {
    const last = this.n.length - 1;
    return last >= 0 ? Math.max(this.settledPeak, this.n[last]!) : 0;
  }

  /** The count at emulated time `at` (after every change at `at`). */
  at(at: number): number {
    let lo = 0;
    let hi = this.t.length; // first index with t > at
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.n[lo - 1]!;
  }

  /** Time-weighted mean count over [from, to). */
  meanOver(from: number, to: number): number {
    if (!(to > from)) return 0;
    let area = 0;
    for (let i = 0; i < this.t.length; i += 1) {
      const start = Math.max(this.t[i]!, from);
      const end = Math.min(this.t[i + 1] ?? Infinity, to);
      if (end > start) area += this.n[i]! * (end - start);
    }
    return area / (to - from);
  }
}
