/**
 * Worker pools that run driver actions, as OpenNebula's Ruby ActionManager does: `threads`
 * workers take actions from one FIFO queue. A VMM driver with `single_host` (the `vmm-host-lock`
 * pathology) only starts an action when no other action for the same host is running, and
 * queued actions for idle hosts overtake those for busy ones (VirtualMachineDriver.rb
 * get_first_runable).
 */
import { IndexedHeap } from '../sim/indexed-heap.js';
import { limit as concurrencyLimit } from '../sim/limit.js';

export interface ActionPool {
  /** Runs `action` on a free worker (for a host-serial pool: once no other action for `host` runs). */
  run<T>(host: string, action: () => Promise<T>): Promise<T>;
  /** actions running now */
  readonly active: number;
  /** actions waiting for a worker (or for their host) */
  readonly queued: number;
}

/** A plain pool: at most `threads` actions at once, in arrival order. */
export function threadPool(threads: number): ActionPool {
  const limit = concurrencyLimit(threads);
  return {
    run: (_host, action) => limit(action),
    get active() {
      return limit.activeCount;
    },
    get queued() {
      return limit.pendingCount;
    },
  };
}

interface Queued {
  seq: number;
  host: string;
  start: () => void;
  heapIndex: number;
}

/**
 * At most `threads` actions at once and at most one per host. A plain limit cannot express this: a
 * worker must never sit on a queued action whose host is busy, so the next action to start is
 * the oldest one whose host is idle. Kept as a heap of per-host queue heads: O(log n) per action.
 */
export class HostSerialPool implements ActionPool {
  private running = 0;
  private waiting = 0;
  private seq = 0;
  private readonly busyHosts = new Set<string>();
  private readonly perHost = new Map<string, Queued[]>();
  /** heads of the queues of idle hosts, oldest first */
  private readonly ready = new IndexedHeap<Queued>((a, b) => a.seq < b.seq);

  constructor(private readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting;
  }

  run<T>(host: string, action: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const item: Queued = {
        seq: this.seq++,
        host,
        heapIndex: -1,
        start: () => {
          // a worker that throws synchronously must still give its slot back
          Promise.resolve()
            .then(action)
            .then(resolve, reject)
            .finally(() => this.finish(host));
        },
      };
      let queue = this.perHost.get(host);
      if (!queue) {
        queue = [];
        this.perHost.set(host, queue);
      }
      queue.push(item);
      this.waiting += 1;
      if (queue.length === 1 && !this.busyHosts.has(host)) this.ready.push(item);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.threads && this.ready.size > 0) {
      const item = this.ready.pop()!;
      const queue = this.perHost.get(item.host)!;
      queue.shift();
      if (queue.length === 0) this.perHost.delete(item.host);
      this.waiting -= 1;
      this.running += 1;
      this.busyHosts.add(item.host);
      item.start();
    }
  }

  private finish(host: string): void {
    this.running -= 1;
    this.busyHosts.delete(host);
    const next = this.perHost.get(host)?.[0];
    if (next) this.ready.push(next);
    this.pump();
  }
}
