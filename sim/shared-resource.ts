import type { Clock, Timer } from './clock.js';
import { IndexedHeap } from './indexed-heap.js';
import type { AbortSignalLike } from './stop-signal.js';

/**
 * The one contention primitive (docs/architecture.md, "The host model"): a processor-sharing (fluid)
 * server. `capacity` units per emulated second are split equally among the active consumers,
 * each capped at its `maxRate`, the surplus of the capped ones shared by the others
 * (water-filling). A consumer leaves when its `amount` is served.
 *
 * Cost. Consumers with the same cap always get the same rate, so service is accounted per cap
 * class, not per consumer: each class keeps its attained service per member V (the integral of
 * the member rate, "virtual time") and a min-heap of finish tags (V at join + amount). A join, a
 * leave or an abort costs O(log n) in its class plus O(#classes) for water-filling; there are
 * few distinct caps in practice (1, 2, 4 vcpus, uncapped), so 100,000 concurrent readers of the
 * image store cost what a handful would per event, not 100,000^2. One clock timer is armed, for
 * the earliest completion.
 *
 * Exactness. Completion times are computed, not polled: `end` is the fluid completion time in
 * emulated ms. A clock rounds timer delays to its tick (a microsecond for VirtualClock), so the
 * promise may resolve up to a tick after `end`; every join or leave first settles what completed
 * up to that instant, so the order of events within a tick changes no result.
 *
 * Units: capacity and maxRate in units per emulated second (cores, MB/s); amounts in units
 * (core-seconds, MB); times in emulated ms.
 */

export interface ConsumeOptions {
  /** Units per emulated second this consumer can take at most (a VM's vcpus, a reader's speed). */
  maxRate?: number;
  /** Aborting removes the consumer (what it got so far stays served) and rejects with the reason. */
  signal?: AbortSignalLike;
}

export interface Service {
  /** emulated ms when the consumer joined */
  start: number;
  /** emulated ms when its amount was served, exact */
  end: number;
}

/** A consumer joining or leaving, for an instrument. `active` is the count after the change. */
export interface ResourceEvent {
  type: 'join' | 'leave';
  /** emulated ms: the join time, or the exact completion / abort time */
  t: number;
  active: number;
  amount: number;
  maxRate: number;
  /** for `leave` */
  outcome?: 'done' | 'aborted';
}

export type ResourceObserver = (event: ResourceEvent) => void;

export interface SharedResourceOptions {
  /** for messages and instruments, e.g. `image-store`, `host-03 cpu` */
  name?: string;
}

interface Consumer {
  /** class V at which the amount is served */
  tag: number;
  /** join order: breaks ties, so equal tags complete in arrival order */
  seq: number;
  /** position in the class heap, -1 once gone */
  heapIndex: number;
  amount: number;
  start: number;
  cls: CapClass;
  resolve: (s: Service) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignalLike | undefined;
  onAbort: (() => void) | undefined;
}

class CapClass {
  /** attained service per member since the class was last empty, in units */
  v = 0;
  /** current rate per member, units per ms */
  rate = 0;
  readonly heap = new IndexedHeap<Consumer>(before);
  /** cap in units per ms (Infinity when uncapped) */
  constructor(
    readonly cap: number,
    readonly capPerSecond: number,
  ) {}
}

/**
 * A clock rounds delays to its tick, so a timer may wake up to half a tick before the completion
 * it is for, and then it must wait again: a second turn of the clock for every other completion.
 * A hair under half a VirtualClock tick (1 µs) added to each delay makes a completion between two
 * ticks wake on the later one, and one on a tick still on that tick. On a coarser clock a timer
 * that wakes early waits again, at least the step, doubling.
 */
const WAKE_MARGIN_MS = 0.0004999;
const FIRST_EARLY_WAKE_STEP_MS = 0.001;

export class SharedResource {
  readonly name: string;
  private readonly capacityPerMs: number;
  /** cap classes in ascending cap order (water-filling walks them in this order) */
  private readonly classes: CapClass[] = [];
  private readonly byCap = new Map<number, CapClass>();
  private count = 0;
  private seq = 0;
  /** emulated ms up to which the model has been advanced (<= clock.now()) */
  private t: number;
  /** units served up to `t`, including the partial service of those still active */
  private servedAtT = 0;
  /** sum of all member rates, units per ms */
  private totalRate = 0;
  private timer: Timer | undefined;
  /** exact time the armed timer is for */
  private due = Infinity;
  private earlyWakeStep = FIRST_EARLY_WAKE_STEP_MS;
  private observers: ResourceObserver[] = [];

  constructor(
    private readonly clock: Clock,
    readonly capacity: number,
    options: SharedResourceOptions = {},
  ) {
    this.name = options.name ?? 'shared resource';
    if (!Number.isFinite(capacity) || capacity <= 0) {
      throw new RangeError(`${this.name}: capacity must be a finite number > 0 units per second, got ${capacity}`);
    }
    this.capacityPerMs = capacity / 1000;
    this.t = clock.now();
  }

  /** Consumers being served now. */
  get active(): number {
    return this.count;
  }

  /** Total units served up to now, including the partial service of active and aborted consumers. */
  get served(): number {
    this.settle();
    return this.servedAtT;
  }

  /** Units per emulated second being served now (at most `capacity`). */
  get rate(): number {
    this.settle();
    return this.totalRate * 1000;
  }

  /** Calls `observer` on every join and leave, synchronously; returns the unsubscribe function. */
  observe(observer: ResourceObserver): () => void {
    this.observers = [...this.observers, observer];
    return () => {
      this.observers = this.observers.filter((o) => o !== observer);
    };
  }

  /** Resolves when `amount` units have been served to this consumer. */
  consume(amount: number, options: ConsumeOptions = {}): Promise<Service> {
    if (!Number.isFinite(amount) || amount < 0) {
      return Promise.reject(new RangeError(`${this.name}: amount must be a finite number >= 0, got ${amount}`));
    }
    const maxRate = options.maxRate ?? Infinity;
    if (!(maxRate > 0)) {
      return Promise.reject(new RangeError(`${this.name}: maxRate must be > 0 units per second, got ${maxRate}`));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.clock.now();
    if (amount === 0) return Promise.resolve({ start: now, end: now });

    this.advance(now);
    const cls = this.classFor(maxRate);
    return new Promise<Service>((resolve, reject) => {
      const c: Consumer = {
        tag: cls.v + amount,
        seq: this.seq++,
        heapIndex: -1,
        amount,
        start: now,
        cls,
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal) {
        c.onAbort = () => this.abort(c);
        signal.addEventListener('abort', c.onAbort, { once: true });
      }
      cls.heap.push(c);
      this.count += 1;
      this.waterFill();
      this.emit('join', now, this.count, c, undefined);
      this.rearm();
    });
  }

  // ------------------------------------------------------------------------------ model

  private classFor(maxRate: number): CapClass {
    let cls = this.byCap.get(maxRate);
    if (!cls) {
      cls = new CapClass(maxRate / 1000, maxRate);
      this.byCap.set(maxRate, cls);
      this.classes.push(cls);
      this.classes.sort((a, b) => a.cap - b.cap);
    }
    return cls;
  }

  /** Member rates by water-filling over classes in ascending cap order. */
  private waterFill(): void {
    let remaining = this.capacityPerMs;
    let members = this.count;
    let total = 0;
    let level = -1; // once set, every further class gets this fair share
    for (const cls of this.classes) {
      const n = cls.heap.size;
      if (n === 0) {
        cls.rate = 0;
        continue;
      }
      if (level < 0) {
        const fair = remaining / members;
        if (cls.cap <= fair) {
          cls.rate = cls.cap;
          remaining -= n * cls.cap;
          members -= n;
          total += n * cls.cap;
          continue;
        }
        level = fair;
      }
      cls.rate = level;
      total += n * level;
    }
    this.totalRate = total;
  }

  /** Earliest exact completion time over all classes (Infinity when idle). */
  private nextCompletion(): number {
    let next = Infinity;
    for (const cls of this.classes) {
      const head = cls.heap.peek();
      if (head === undefined) continue;
      const at = this.t + (head.tag - cls.v) / cls.rate;
      if (at < next) next = at;
    }
    return next;
  }

  /** Settles every completion up to `until`, in time order, then moves the model to `until`. */
  private advance(until: number): void {
    for (;;) {
      if (this.count === 0) break;
      const next = this.nextCompletion();
      if (next > until) break;
      const dt = next - this.t;
      const done: Consumer[] = [];
      for (const cls of this.classes) {
        const head = cls.heap.peek();
        if (head === undefined) continue;
        // Snap a due class to its head's tag: the float sum would miss it by an ulp or two.
        if (this.t + (head.tag - cls.v) / cls.rate <= next) cls.v = head.tag;
        else cls.v += cls.rate * dt;
        while (cls.heap.size > 0 && cls.heap.peek()!.tag <= cls.v) done.push(cls.heap.pop()!);
      }
      this.servedAtT += this.totalRate * dt;
      this.t = next;
      this.count -= done.length;
      for (const cls of this.classes) if (cls.heap.size === 0) cls.v = 0; // rebase: keeps tags small
      this.waterFill();
      if (done.length > 1) done.sort((a, b) => a.seq - b.seq);
      for (let k = 0; k < done.length; k += 1) this.finish(done[k]!, next, this.count + done.length - 1 - k);
    }
    const dt = until - this.t;
    if (dt > 0) {
      for (const cls of this.classes) cls.v += cls.rate * dt;
      this.servedAtT += this.totalRate * dt;
      this.t = until;
    }
  }

  /** `active` is the count as observers should see it after this one left. */
  private finish(c: Consumer, end: number, active: number): void {
    if (c.onAbort) c.signal!.removeEventListener('abort', c.onAbort);
    this.emit('leave', end, active, c, 'done');
    c.resolve({ start: c.start, end });
  }

  private abort(c: Consumer): void {
    const now = this.clock.now();
    this.advance(now);
    if (c.heapIndex < 0) return; // completed during the advance: the amount was served in time
    const cls = c.cls;
    cls.heap.remove(c);
    this.count -= 1;
    if (cls.heap.size === 0) cls.v = 0;
    this.waterFill();
    this.emit('leave', now, this.count, c, 'aborted');
    this.rearm();
    c.reject(c.signal!.reason);
  }

  /** Brings the model up to the clock (for readers between events). */
  private settle(): void {
    const now = this.clock.now();
    if (now > this.t) {
      this.advance(now);
      this.rearm();
    }
  }

  // ------------------------------------------------------------------------------ timer

  private rearm(): void {
    const next = this.nextCompletion();
    if (next === this.due) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.due = next;
    if (next === Infinity) return;
    this.earlyWakeStep = FIRST_EARLY_WAKE_STEP_MS;
    this.timer = this.clock.timer(Math.max(0, next - this.clock.now()) + WAKE_MARGIN_MS, this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    if (now < this.due) {
      // Woken by a clock that rounded the delay down: wait out the rest, at least one step, so a
      // clock whose tick is coarser than the step cannot spin at one instant.
      this.timer = this.clock.timer(Math.max(this.due - now, this.earlyWakeStep), this.onTimer);
      this.earlyWakeStep *= 2;
      return;
    }
    this.due = Infinity;
    this.advance(now);
    this.rearm();
  };

  private emit(
    type: 'join' | 'leave',
    t: number,
    active: number,
    c: Consumer,
    outcome: 'done' | 'aborted' | undefined,
  ): void {
    if (this.observers.length === 0) return;
    const event: ResourceEvent = { type, t, active, amount: c.amount, maxRate: c.cls.capPerSecond };
    if (outcome) event.outcome = outcome;
    for (const o of this.observers) o(event);
  }
}

/** Finish order in a class: the tag, then arrival (equal tags complete in the order they joined). */

function before(a: Consumer, b: Consumer): boolean {
  return a.tag < b.tag || (a.tag === b.tag && a.seq < b.seq);
}
