import FakeTimers from '@sinonjs/fake-timers';
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

/**
 * fake-timers imitates its global's timers: with Node's, every timer gets a Timeout-like object
 * with five closures. A namespace whose setTimeout returns numbers gets plain numeric ids; the
 * clock is created from it and patches nothing.
 */
const numericTimers = FakeTimers.withGlobal({
  Date,
  setTimeout: () => 0,
  clearTimeout: () => {},
  setInterval: () => 0,
  clearInterval: () => {},
} as unknown as typeof globalThis);

type FakeClock = ReturnType<typeof numericTimers.createClock>;
type TimerId = ReturnType<FakeClock['setTimeout']>;

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

class FakeTimer implements Timer {
  constructor(
    private readonly fake: FakeClock,
    public id: TimerId,
  ) {}

  cancel(): void {
    this.fake.clearTimeout(this.id);
  }
}

/**
 * Deterministic discrete-event time on fake-timers' createClock() (no globals are patched).
 * `run()` drives it: let every pending promise reaction run, then jump to the next timer, and
 * again, until the work settles. The same program and seed give the same sequence of events,
 * bit for bit, whatever the machine is doing.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private readonly fake: FakeClock = numericTimers.createClock(0);
  private turns = 0;
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
    const units = Math.round(ms * UNITS_PER_MS);
    if (units <= MAX_UNITS) return new FakeTimer(this.fake, this.fake.setTimeout(fn, units));
    // Longer than one fake-timers timer: hop in steps, the handle always naming the current one.
    const handle = new FakeTimer(this.fake, 0 as TimerId);
    let remaining = units;
    const hop = (): void => {
      const step = Math.min(remaining, MAX_UNITS);
      remaining -= step;
      handle.id = this.fake.setTimeout(remaining > 0 ? hop : fn, step);
    };
    hop();
    return handle;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // The common case, no signal, allocates no abort listener.
    if (signal === undefined) return new Promise<void>((resolve) => void this.timer(ms, resolve));
    return sleepOn(this, ms, signal);
  }

  every(ms: number, fn: () => void): Timer {
    return everyOn(this, ms, fn);
  }

  lag(): ClockLag {
    return { timers: this.turns, meanMs: 0, p99Ms: 0, maxMs: 0 };
  }

  /** Timers waiting to fire (a chained long delay counts once). */
  pending(): number {
    return this.fake.countTimers();
  }

  /**
   * Drives virtual time until `work` settles and returns its result. Each turn fires one timer
   * from a setImmediate callback: Node drains the whole microtask queue before it runs one, so
   * every promise reaction an event caused at time t has run before time moves on.
   */
  run<T>(work: Promise<T> | (() => Promise<T>), options: VirtualRunOptions = {}): Promise<T> {
    if (this.driving) return Promise.reject(new Error('VirtualClock.run() is already driving this clock'));
    this.driving = true;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    let promise: Promise<T>;
    try {
      promise = typeof work === 'function' ? work() : work;
    } catch (error) {
      this.driving = false;
      return Promise.reject(error);
    }
    promise.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    let limitHit = false;
    const limit =
      options.until === undefined ? undefined : this.timer(Math.max(0, options.until - this.now()), () => (limitHit = true));
    return new Promise<T>((resolve, reject) => {
      const finish = (error: unknown, value?: T): void => {
        limit?.cancel();
        this.driving = false;
        if (error === undefined) resolve(value as T);
        else reject(error);
      };
      const turn = (): void => {
        if (outcome) return outcome.ok ? finish(undefined, outcome.value) : finish(outcome.error ?? new Error('work rejected'));
        if (limitHit) return finish(new Error(`virtual run reached its limit of ${options.until} ms without finishing`));
        // Only the limit itself left pending means nothing else can ever happen: a stall.
        if (this.fake.countTimers() === (limit ? 1 : 0)) return finish(new VirtualClockStalled(this.now()));
        try {
          this.fake.next();
        } catch (error) {
          return finish(error);
        }
        this.turns += 1;
        setImmediate(turn);
      };
      setImmediate(turn);
    });
  }
}
