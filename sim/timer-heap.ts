import { assertDelay, everyOn, type Clock, type ClockLag, type Timer } from './clock.js';
import type { AbortSignalLike } from './stop-signal.js';

/**
 * A Clock that keeps its own timers in one binary heap and arms a single timer on the clock it
 * wraps, for the earliest. Same answers as the wrapped clock, much cheaper when a model keeps
 * very many timers pending at once (a 100,000-VM burst sleeps through 100,000 latencies
 * together): a VirtualClock timer costs about 2 KB (a fake-timers entry, its handle and
 * closures), an entry here about a tenth of that, and the wrapped clock's heap stays small.
 *
 * A timer due at t fires when a wrapped-clock timer for t fires, so it rounds as the wrapped
 * clock rounds; one re-armed inside a tick for a due time less than half a tick away wakes a tick
 * later (fake-timers, like Node, never runs a zero delay in the tick that set it). Timers due at
 * the same instant fire in the order they were set, in one turn of the wrapped clock.
 */
export class TimerHeap implements Clock {
  readonly kind: Clock['kind'];
  private readonly heap: Entry[] = [];
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

  /** Timers waiting to fire. */
  get pending(): number {
    return this.heap.length;
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

  /** @internal */
  add(ms: number, fn: () => void): Entry {
    assertDelay(ms);
    const entry: Entry = { due: this.inner.now() + ms, seq: this.seq++, fn, index: -1 };
    push(this.heap, entry);
    if (entry.index === 0) this.arm();
    return entry;
  }

  /** @internal */
  cancel(entry: Entry): void {
    if (entry.index < 0) return;
    const wasFirst = entry.index === 0;
    remove(this.heap, entry.index);
    if (wasFirst) this.arm();
  }

  /** Arms the wrapped clock for the earliest entry, unless it already is. */
  private arm(): void {
    const first = this.heap[0];
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
    // may put a zero delay set during a tick one tick later, as fake-timers does).
    const setBefore = this.seq;
    let later: Entry[] | undefined;
    while (this.heap.length > 0 && this.heap[0]!.due <= until) {
      const entry = this.heap[0]!;
      remove(this.heap, 0);
      if (entry.seq >= setBefore) (later ??= []).push(entry);
      else entry.fn();
    }
    if (later) for (const entry of later) push(this.heap, entry);
    this.arm();
  };
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  index: number;
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

function push(heap: Entry[], e: Entry): void {
  e.index = heap.length;
  heap.push(e);
  up(heap, e.index);
}

function remove(heap: Entry[], index: number): void {
  const gone = heap[index]!;
  const last = heap.pop()!;
  gone.index = -1;
  if (last === gone) return;
  heap[index] = last;
  last.index = index;
  if (index > 0 && before(last, heap[(index - 1) >> 1]!)) up(heap, index);
  else down(heap, index);
}

function up(heap: Entry[], index: number): void {
  const e = heap[index]!;
  while (index > 0) {
    const parentIndex = (index - 1) >> 1;
    const parent = heap[parentIndex]!;
    if (!before(e, parent)) break;
    heap[index] = parent;
    parent.index = index;
    index = parentIndex;
  }
  heap[index] = e;
  e.index = index;
}

function down(heap: Entry[], index: number): void {
  const e = heap[index]!;
  const n = heap.length;
  for (;;) {
    const left = 2 * index + 1;
    if (left >= n) break;
    const right = left + 1;
    const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
    const smallest = heap[child]!;
    if (!before(smallest, e)) break;
    heap[index] = smallest;
    smallest.index = index;
    index = child;
  }
  heap[index] = e;
  e.index = index;
}
