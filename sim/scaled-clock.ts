import { performance } from 'node:perf_hooks';
import { assertDelay, everyOn, sleepOn, type Clock, type ClockLag, type Timer } from './clock.js';

/** Node clamps timers to whole milliseconds and at most 2^31-1 ms; longer delays are chained. */
const MAX_WALL_DELAY_MS = 2 ** 31 - 1;

/**
 * Real timers, emulated time = wall time x scale (scale 50: fifty emulated seconds per wall
 * second). Used whenever real sockets or processes take part. It watches itself: every timer
 * records how late it fired, in emulated ms, so a run can say when the emulator, not the stack,
 * was the slow part.
 */
export class ScaledClock implements Clock {
  readonly kind = 'scaled' as const;
  private readonly startWall = performance.now();
  private readonly startEpochMs = Date.now();
  /** Lateness samples in emulated ms, kept in a fixed log-scale histogram so memory is bounded. */
  private readonly lateness = new LatenessHistogram();

  constructor(readonly scale: number) {
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new RangeError(`clock scale must be a positive number, got ${scale}`);
    }
  }

  now(): number {
    return (performance.now() - this.startWall) * this.scale;
  }

  epochMs(): number {
    return this.startEpochMs + this.now();
  }

  timer(ms: number, fn: () => void): Timer {
    assertDelay(ms);
    const due = this.now() + ms;
    let handle: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const wall = Math.max(0, (due - this.now()) / this.scale);
      handle = setTimeout(
        () => {
          const late = this.now() - due;
          if (late < 0) return arm(); // woke early (chained or clamped): wait out the rest
          this.lateness.add(late);
          fn();
        },
        Math.min(wall, MAX_WALL_DELAY_MS),
      );
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  every(ms: number, fn: () => void): Timer {
    return everyOn(this, ms, fn);
  }

  lag(): ClockLag {
    return this.lateness.summary();
  }
}

/** Log-bucketed histogram (about 2% relative resolution) of non-negative values. */
export class LatenessHistogram {
  private static readonly PER_OCTAVE = 32;
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private sum = 0;
  private max = 0;

  add(value: number): void {
    this.count += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
    const key = value <= 0.001 ? -Infinity : Math.floor(Math.log2(value) * LatenessHistogram.PER_OCTAVE);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
  }

  summary(): ClockLag {
    if (this.count === 0) return { timers: 0, meanMs: 0, p99Ms: 0, maxMs: 0 };
    return { timers: this.count, meanMs: this.sum / this.count, p99Ms: this.quantile(0.99), maxMs: this.max };
  }

  private quantile(q: number): number {
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const key of keys) {
      seen += this.buckets.get(key)!;
      if (seen >= rank) {
        return key === -Infinity ? 0 : Math.min(this.max, 2 ** ((key + 1) / LatenessHistogram.PER_OCTAVE));
      }
    }
    return this.max;
  }
}
