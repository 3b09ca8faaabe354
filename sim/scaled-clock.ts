import { performance } from 'node:perf_hooks';
import { assertDelay, everyOn, sleepOn, type Clock, type ClockLag, type Timer } from './clock.js';
import { LostTime, type LostTimeSamples } from './lost-time.js';

/** Node clamps timers to whole milliseconds and at most 2^31-1 ms; longer delays are chained. */
const MAX_WALL_DELAY_MS = 2 ** 31 - 1;

/** Wall ms the event loop has spent busy (not waiting for I/O or timers) since the process began. */
export type BusyMeter = () => number;

/** node:perf_hooks' event-loop utilization: wall time minus the time spent waiting in the poll phase. */
const eventLoopBusyMs: BusyMeter = () => performance.eventLoopUtilization().active;

/**
 * Real timers, emulated time = wall time x scale (scale 50: fifty emulated seconds per wall
 * second). Used whenever real sockets or processes take part. It watches itself: every timer
 * records how late it fired, and every firing also reads how long the event loop was busy since
 * the last, both in emulated ms, so a run can say how much of any interval the emulator, not the
 * stack, took (docs/architecture.md, "Lag").
 */
export class ScaledClock implements Clock {
  readonly kind = 'scaled' as const;
  private readonly startWall = performance.now();
  private readonly startEpochMs = Date.now();
  /** Lateness samples in emulated ms, kept in a fixed log-scale histogram so memory is bounded. */
  private readonly lateness = new LatenessHistogram();
  private readonly lost: LostTime;
  private readonly busyMs: BusyMeter;
  private busyAtLastSample: number;

  /** @param busyMeter where busy time is read (tests inject one; the default is the event loop's) */
  constructor(
    readonly scale: number,
    busyMeter: BusyMeter = eventLoopBusyMs,
  ) {
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new RangeError(`clock scale must be a positive number, got ${scale}`);
    }
    this.busyMs = busyMeter;
    this.busyAtLastSample = busyMeter();
    // one wall millisecond: finer than a timer can resolve
    this.lost = new LostTime(scale);
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
          this.sample(late);
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
    this.sample(0);
    return this.summary();
  }

  distortion(fromMs: number, toMs: number): number {
    return this.lost.between(fromMs, toMs);
  }

  /**
   * Its lag and, read at the same instant, where it lost that time: for a process that reads this
   * clock from afar (`resolutionMs`: see LostTime.samples).
   */
  lostTime(resolutionMs = 0): { lag: ClockLag; lost: LostTimeSamples } {
    this.sample(0);
    return { lag: this.summary(), lost: this.lost.samples(resolutionMs) };
  }

  private summary(): ClockLag {
    return { ...this.lateness.summary(), lostMs: this.lost.totalMs, scale: this.scale };
  }

  /** Adds the busy time since the last sample, and a firing timer's lateness, to the lost-time record. */
  private sample(lateMs: number): void {
    const busy = this.busyMs();
    this.lost.record(this.now(), (busy - this.busyAtLastSample) * this.scale, lateMs);
    this.busyAtLastSample = busy;
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

  summary(): Pick<ClockLag, 'timers' | 'meanMs' | 'p99Ms' | 'maxMs'> {
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
