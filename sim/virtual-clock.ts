import { createClock } from '@sinonjs/fake-timers';
import {
  DEFAULT_VIRTUAL_ORIGIN_EPOCH_MS,
  assertDelay,
  everyOn,
  sleepOn,
  type Clock,
  type ClockLag,
  type Timer,
} from './clock.js';

/**
 * fake-timers counts whole units and, like Node, turns any delay above 2^31-1 units into 1.
 * One unit is one emulated microsecond: fine enough that rounding never shows in a report
 * (0.1 s resolution), coarse enough that one timer spans 35 minutes; longer delays are chained.
 */
const UNITS_PER_MS = 1000;
const MAX_UNITS = 2 ** 31 - 1;

export class VirtualClockStalled extends Error {
  constructor(at: number) {
    super(
      `virtual clock stalled at ${(at / 1000).toFixed(3)} s: no timer is pending and the run has ` +
        'not finished, so nothing can ever happen again (an action that never answers and no deadline?)',
    );
    this.name = 'VirtualClockStalled';
  }
}

export interface VirtualRunOptions {
  /** Stop driving once emulated time would pass this many ms; `run` then rejects. */
  until?: number;
}

/**
 * Deterministic discrete-event time on fake-timers' createClock() (no globals are patched).
 * `run()` drives it: let every pending promise reaction run, then jump to the next timer, and
 * again, until the work settles. The same program and seed give the same sequence of events,
 * bit for bit, whatever the machine is doing.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private readonly fake = createClock(0);
  private fired = 0;
  private driving = false;

  constructor(private readonly originEpochMs: number = DEFAULT_VIRTUAL_ORIGIN_EPOCH_MS) {}

  now(): number {
    return this.fake.now / UNITS_PER_MS;
  }

  epochMs(): number {
    return this.originEpochMs + this.now();
  }

  timer(ms: number, fn: () => void): Timer {
    assertDelay(ms);
    let remaining = Math.round(ms * UNITS_PER_MS);
    let id: ReturnType<typeof this.fake.setTimeout>;
    const arm = (): void => {
      const step = Math.min(remaining, MAX_UNITS);
      remaining -= step;
      id = this.fake.setTimeout(() => {
        if (remaining > 0) return arm();
        this.fired += 1;
        fn();
      }, step);
    };
    arm();
    return { cancel: () => this.fake.clearTimeout(id) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  every(ms: number, fn: () => void): Timer {
    return everyOn(this, ms, fn);
  }

  lag(): ClockLag {
    return { timers: this.fired, meanMs: 0, p99Ms: 0, maxMs: 0 };
  }

  /** Timers waiting to fire (a chained long delay counts once). */
  pending(): number {
    return this.fake.countTimers();
  }

  /**
   * Drives virtual time until `work` settles and returns its result. Between two timers every
   * promise reaction runs to completion (one macrotask turn drains the microtask queue), so an
   * event caused at time t is always handled at time t.
   */
  async run<T>(work: Promise<T> | (() => Promise<T>), options: VirtualRunOptions = {}): Promise<T> {
    if (this.driving) throw new Error('VirtualClock.run() is already driving this clock');
    this.driving = true;
    try {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
      const promise = typeof work === 'function' ? work() : work;
      promise.then(
        (value) => (outcome = { ok: true, value }),
        (error: unknown) => (outcome = { ok: false, error }),
      );
      let limitHit = false;
      const limit =
        options.until === undefined
          ? undefined
          : this.timer(Math.max(0, options.until - this.now()), () => (limitHit = true));
      try {
        for (;;) {
          await macrotaskTurn();
          if (outcome) break;
          if (limitHit) {
            throw new Error(`virtual run reached its limit of ${options.until} ms without finishing`);
          }
          // Only the limit itself left pending means nothing else can ever happen: a stall.
          if (this.fake.countTimers() === (limit ? 1 : 0)) throw new VirtualClockStalled(this.now());
          this.fake.next();
        }
      } finally {
        limit?.cancel();
      }
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    } finally {
      this.driving = false;
    }
  }
}

function macrotaskTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
