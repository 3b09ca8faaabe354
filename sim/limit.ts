/**
 * At most `concurrency` tasks at once, the rest started in arrival order as slots free: what
 * p-limit does, at a fraction of its cost per task. A 100,000-VM run puts every driver action
 * and every API call through such a limit, and p-limit spends about six promises and four
 * closures on each (an enqueue promise, an async wrapper, a bound runner, the result's
 * adoption); here a task that finds a free slot costs the promise its own start makes and one
 * reaction, a queued one a promise more.
 *
 * A task starts one microtask after it is handed over (or after a slot frees), never inside the
 * caller's own call, as with p-limit: a caller may still finish what it was doing first.
 */
export interface Limit {
  <T>(task: () => T | PromiseLike<T>): Promise<T>;
  /** tasks running now */
  readonly activeCount: number;
  /** tasks waiting for a slot */
  readonly pendingCount: number;
}

export function limit(concurrency: number): Limit {
  if (!(Number.isInteger(concurrency) && concurrency >= 1) && concurrency !== Number.POSITIVE_INFINITY) {
    throw new TypeError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  const slots = new Slots(concurrency);
  const run = <T>(task: () => T | PromiseLike<T>): Promise<T> => slots.run(task);
  return Object.defineProperties(run, {
    activeCount: { get: () => slots.active },
    pendingCount: { get: () => slots.queue.size },
  }) as Limit;
}

const STARTED: Promise<void> = Promise.resolve();

class Slots {
  active = 0;
  readonly queue = new Fifo<Waiting>();

  constructor(private readonly concurrency: number) {}

  run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    if (this.active < this.concurrency) {
      this.active += 1;
      return this.start(task);
    }
    return new Promise<T>((resolve, reject) => this.queue.push(new Waiting(task as () => unknown, resolve as (v: unknown) => void, reject)));
  }

  private start<T>(task: () => T | PromiseLike<T>): Promise<T> {
    // a task that throws synchronously rejects its own promise and still frees its slot
    const done = STARTED.then(task);
    done.then(this.release, this.release);
    return done;
  }

  private readonly release = (): void => {
    this.active -= 1;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.active += 1;
    this.start(next.task).then(next.resolve, next.reject);
  };
}

class Waiting {
  constructor(
    readonly task: () => unknown,
    readonly resolve: (value: unknown) => void,
    readonly reject: (reason: unknown) => void,
  ) {}
}

/** A first-in first-out queue on a growing ring: no node per item, no O(n) shift. */
export class Fifo<T> {
  private items: Array<T | undefined> = new Array(16);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = item;
    this.count += 1;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count -= 1;
    return item;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  private grow(): void {
    const next = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i += 1) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}
