import { assertDelay, everyOn, type Clock, type ClockLag, type Timer } from './clock.js';
import { IndexedHeap } from './indexed-heap.js';
import type { AbortSignalLike } from './stop-signal.js';

/**
 * A Clock that keeps its own timers in one binary heap and arms a single timer on the clock it
 * wraps, for the earliest. Same answers as the wrapped clock, much cheaper when a model keeps
 * very many timers pending at once (a 100,000-VM burst sleeps through 100,000 latencies
 * together): timers set here never reach the wrapped clock's heap, which stays small, and those
 * due at one instant cost the wrapped clock one turn.
 *
 * A timer due at t fires when a wrapped-clock timer for t fires, so it rounds as the wrapped
 * clock rounds; one re-armed inside a tick for a due time less than half a tick away wakes a tick
 * later (the VirtualClock, like Node, never runs a zero delay in the tick that set it). Timers due at
 * the same instant fire in the order they were set, in one turn of the wrapped clock.
 */
export class TimerHeap implements Clock {
  readonly kind: Clock['kind'];
  private readonly heap = new IndexedHeap<Entry>(before);
  private seq = 0;
  private armed: Timer | undefined;
  /** due time the armed timer is for */
  private armedFor = Infinity;

  constructor(private readonly inner: Clock) {
    this.kind = inner.kind;
  }

  now(): number {
    return this.inner.now();
  }

  epochMs(): number {
    return this.inner.epochMs();
  }

  lag(): ClockLag {
    return this.inner.lag();
  }

  distortion(fromMs: number, toMs: number): number {
    return this.inner.distortion(fromMs, toMs);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.heap.size;
  }

  timer(ms: number, fn: () => void): Timer {
    return new HeapTimer(this, this.add(ms, fn));
  }

  sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
    // The common case allocates no handle and no closure of its own.
    if (signal === undefined) return new Promise<void>((resolve) => void this.add(ms, resolve));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => void new AbortableSleep(this, ms, signal, resolve, reject));
  }

  every(ms: number, fn: () => void): Timer {
    return everyOn(this, ms, fn);
  }

  /**
   * Drops every pending timer and disarms the wrapped clock: what a model's `stop()` calls so that
   * nothing of it fires after a run, and no real timer keeps a process alive.
   */
  stop(): void {
    for (let entry = this.heap.pop(); entry !== undefined; entry = this.heap.pop());
    this.arm();
  }

  /** @internal */
  add(ms: number, fn: () => void): Entry {
    assertDelay(ms);
    const entry: Entry = { due: this.inner.now() + ms, seq: this.seq++, fn, heapIndex: -1 };
    this.heap.push(entry);
    if (entry.heapIndex === 0) this.arm();
    return entry;
  }

  /** @internal */
  cancel(entry: Entry): void {
    if (entry.heapIndex < 0) return;
    const wasFirst = entry.heapIndex === 0;
    this.heap.remove(entry);
    if (wasFirst) this.arm();
  }

  /** Arms the wrapped clock for the earliest entry, unless it already is. */
  private arm(): void {
    const first = this.heap.peek();
    const due = first === undefined ? Infinity : first.due;
    if (due === this.armedFor) return;
    this.armed?.cancel();
    this.armed = undefined;
    this.armedFor = due;
    if (due === Infinity) return;
    this.armed = this.inner.timer(Math.max(0, due - this.inner.now()), this.fire);
  }

  private readonly fire = (): void => {
    const until = this.armedFor;
    this.armed = undefined;
    this.armedFor = Infinity;
    // Everything set before this turn and due by the instant this timer was for. Timers set by
    // these callbacks wait for a turn of their own, as they would on the wrapped clock (which
    // may put a zero delay set during a tick one tick later, as the VirtualClock does).
    const setBefore = this.seq;
    let later: Entry[] | undefined;
    for (let entry = this.heap.peek(); entry !== undefined && entry.due <= until; entry = this.heap.peek()) {
      this.heap.remove(entry);
      if (entry.seq >= setBefore) (later ??= []).push(entry);
      else entry.fn();
    }
    if (later) for (const entry of later) this.heap.push(entry);
    this.arm();
  };
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  heapIndex: number;
}

/*
 * Handles are small classes, not object literals of closures: run under tsx (esbuild keepNames),
 * every named closure is given a `name` property, a dictionary of its own, per call.
 */

class HeapTimer implements Timer {
  constructor(
    private readonly heap: TimerHeap,
    private readonly entry: Entry,
  ) {}

  cancel(): void {
    this.heap.cancel(this.entry);
  }
}

class AbortableSleep {
  private readonly entry: Entry;
  private readonly onAbort: () => void;

  constructor(heap: TimerHeap, ms: number, signal: AbortSignalLike, resolve: () => void, reject: (reason: unknown) => void) {
    this.onAbort = () => {
      heap.cancel(this.entry);
      reject(signal.reason);
    };
    this.entry = heap.add(ms, () => {
      signal.removeEventListener('abort', this.onAbort);
      resolve();
    });
    signal.addEventListener('abort', this.onAbort, { once: true });
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
