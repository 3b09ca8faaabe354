import {
  DEFAULT_VIRTUAL_ORIGIN_EPOCH_MS,
  assertDelay,
  everyOn,
  sleepOn,
  type Clock,
  type ClockLag,
  type Timer,
} from './clock.js';
import { IndexedHeap } from './indexed-heap.js';

/**
 * Time counts in whole units of one emulated microsecond: fine enough that rounding never shows
 * in a report (0.1 s resolution). A single timer spans at most 2^31-1 units (35 minutes), as
 * fake-timers and Node allow; longer delays are chained, so a run's count of clock turns is the
 * same as it always was.
 */
const UNITS_PER_MS = 1000;
const MAX_UNITS = 2 ** 31 - 1;
/** Clock turns queued per pass of Node's event loop (see run()). */
const TURNS_PER_LOOP = 64;

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

/** A pending timer: its own handle, one small object (no closures, no id table). */
class Entry implements Timer {
  heapIndex = -1;
  constructor(
    readonly clock: VirtualClock,
    readonly callAt: number,
    readonly order: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.clock.cancelEntry(this);
  }
}

/** The handle of a delay longer than one timer: always names the current link of the chain. */
class Chain implements Timer {
  current: Entry | undefined;
  cancel(): void {
    this.current?.cancel();
  }
}

function earlier(a: Entry, b: Entry): boolean {
  return a.callAt < b.callAt || (a.callAt === b.callAt && a.order < b.order);
}

/**
 * Deterministic discrete-event time. Timers wait in one indexed binary heap ordered by due time,
 * then by the order they were set (the order fake-timers and Node keep, which this clock was
 * first built on, and which every recorded trace follows). `run()` drives it: let every pending
 * promise reaction run, then jump to the next timer, and again, until the work settles. The same
 * program and seed give the same sequence of events, bit for bit, whatever the machine is doing.
 */
export class VirtualClock implements Clock {
  readonly kind = 'virtual' as const;
  private readonly heap = new IndexedHeap<Entry>(earlier);
  /** now, in units */
  private units = 0;
  private order = 0;
  /** a zero delay set while a timer fires waits one unit, as in Node: never in the tick that set it */
  private duringTick = false;
  private turns = 0;
  private driving = false;

  constructor(private readonly originEpochMs: number = DEFAULT_VIRTUAL_ORIGIN_EPOCH_MS) {}

  now(): number {
    return this.units / UNITS_PER_MS;
  }

  epochMs(): number {
    return this.originEpochMs + this.now();
  }

  timer(ms: number, fn: () => void): Timer {
    assertDelay(ms);
    const units = Math.round(ms * UNITS_PER_MS);
    if (units <= MAX_UNITS) return this.add(units, fn);
    // Longer than one timer: hop in steps, the handle always naming the current one.
    const handle = new Chain();
    let remaining = units;
    const hop = (): void => {
      const step = Math.min(remaining, MAX_UNITS);
      remaining -= step;
      handle.current = this.add(step, remaining > 0 ? hop : fn);
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
    return { timers: this.turns, meanMs: 0, p99Ms: 0, maxMs: 0, lostMs: 0, scale: null };
  }

  /** The emulator's work takes no virtual time, so it stretches nothing. */
  distortion(): number {
    return 0;
  }

  /** Timers waiting to fire (a chained long delay counts once). */
  pending(): number {
    return this.heap.size;
  }

  /** @internal */
  cancelEntry(entry: Entry): void {
    this.heap.remove(entry);
  }

  private add(units: number, fn: () => void): Entry {
    const entry = new Entry(this, this.units + (units || (this.duringTick ? 1 : 0)), this.order++, fn);
    this.heap.push(entry);
    return entry;
  }

  /** Fires the earliest timer; false if there is none. */
  private next(): boolean {
    const entry = this.heap.pop();
    if (entry === undefined) return false;
    this.units = entry.callAt;
    this.duringTick = true;
    try {
      entry.fn();
    } finally {
      this.duringTick = false;
    }
    return true;
  }

  /**
   * Drives virtual time until `work` settles and returns its result. Each turn fires one timer
   * from a setImmediate callback: Node drains the whole microtask queue (and process.nextTick's)
   * between two immediates, so every promise reaction an event caused at time t has run before
   * time moves on. Turns are queued TURNS_PER_LOOP at a time: one pass of the event loop then
   * runs that many turns, each after the reactions of the one before, instead of one turn per
   * pass with a poll for I/O (a system call) in between, which cost more than most turns.
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
      let done = false;
      /** turns queued and not yet run */
      let queued = 0;
      const finish = (error: unknown, value?: T): void => {
        done = true;
        limit?.cancel();
        this.driving = false;
        if (error === undefined) resolve(value as T);
        else reject(error);
      };
      const turn = (): void => {
        queued -= 1;
        if (done) return;
        if (outcome) return outcome.ok ? finish(undefined, outcome.value) : finish(outcome.error ?? new Error('work rejected'));
        if (limitHit) return finish(new Error(`virtual run reached its limit of ${options.until} ms without finishing`));
        // Only the limit itself left pending means nothing else can ever happen: a stall.
        if (this.heap.size === (limit ? 1 : 0)) return finish(new VirtualClockStalled(this.now()));
        try {
          this.next();
        } catch (error) {
          return finish(error);
        }
        this.turns += 1;
        if (queued === 0) queueTurns();
      };
      const queueTurns = (): void => {
        for (; queued < TURNS_PER_LOOP; queued += 1) setImmediate(turn);
      };
      queueTurns();
    });
  }
}
