/**
 * oned's one database writer (docs/architecture.md, "Against a real OpenNebula"): with the SQLite
 * backend, oned's default and the bundle's, every write goes through one connection, one
 * statement at a time, so calls that write (one.vm.allocate inserts the VM and its history) take
 * their turn however many request workers serve them at once. Seen on oned 7.5.80 under a burst of
 * 128 allocations on 15 connections: they were answered one after another, about 80 ms apart, and
 * the last VM was PENDING 10 s after the first. A method without a `serialMs` entry never waits
 * here; 4.4 and optimized have none (their profiles' allocate time already stands for it).
 */
import type { Clock } from '../sim/clock.js';
import { limit, type Limit } from '../sim/limit.js';

export class DatabaseWriter {
  private readonly writer: Limit = limit(1);

  constructor(
    private readonly clock: Clock,
    /** per method, emulated ms a call holds the writer */
    private readonly serialMs: Readonly<Record<string, number>> = {},
  ) {}

  /** Waits for the writer and holds it for the method's time; at once for a method that does not write. */
  async write(method: string): Promise<void> {
    const ms = Object.hasOwn(this.serialMs, method) ? this.serialMs[method]! : 0;
    if (ms > 0) await this.writer(() => this.clock.sleep(ms));
  }
}
