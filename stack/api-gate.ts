/**
 * The XML-RPC server's request workers (oned.conf MAX_CONN): each call holds one for its service
 * time, emulated on the clock, and waits in the backlog when all are busy. A client that sends
 * one request after another therefore pays every service time in full, as 4.4's CLI did; many
 * clients at once queue once MAX_CONN are busy. The backlog is unbounded here (oned's
 * MAX_CONN_BACKLOG would refuse connections beyond it).
 */
import type { Clock } from '../sim/clock.js';
import { limit, type Limit } from '../sim/limit.js';
import type { Database } from './database.js';
import { DatabaseWriter } from './db-writer.js';

export interface ApiKnobs {
  MAX_CONN: number;
  callMs: number;
  methodMs: Readonly<Record<string, number>>;
  poolObjectMs: number;
  /** per method, ms a call holds oned's one database writer (db-writer.ts) */
  serialMs?: Readonly<Record<string, number>>;
}

export class ApiGate {
  private readonly workers: Limit;
  private readonly db: DatabaseWriter;

  constructor(
    private readonly clock: Clock,
    private readonly knobs: ApiKnobs,
    /** oned's database lock (database.ts): calls that write or dump a pool wait while a monitoring report holds it */
    private readonly database?: Database,
  ) {
    this.workers = limit(knobs.MAX_CONN);
    this.db = new DatabaseWriter(clock, knobs.serialMs);
  }

  /** requests being served now */
  get busy(): number {
    return this.workers.activeCount;
  }

  /** requests waiting for a worker */
  get backlog(): number {
    return this.workers.pendingCount;
  }

  /** Emulated ms a call holds its worker: the method's time, plus a share per object a pool dump returns. */
  serviceMs(method: string, objects = 0): number {
    const base = Object.hasOwn(this.knobs.methodMs, method) ? this.knobs.methodMs[method]! : this.knobs.callMs;
    return base + objects * this.knobs.poolObjectMs;
  }

  /**
   * Runs `work` on a worker after the call's service time: the effects of a request show when
   * its answer goes out. `objects` is read when the worker takes the call (the pool's size then).
   */
  serve<T>(method: string, work: () => T | Promise<T>, objects?: () => number): Promise<T> {
    return this.workers(async () => {
      const ms = this.serviceMs(method, objects?.() ?? 0);
      // a write or a pool dump needs the database lock: it waits for a monitoring report holding it
      if (this.database && holdsDatabase(method)) await this.database.free();
      if (ms > 0) await this.clock.sleep(ms);
      await this.db.write(method);
      return work();
    });
  }
}

/**
 * Whether a call's service time is spent under the database lock: a write commits its statements
 * and a pool dump runs its query there (SqliteDB::exec). A single object's info is served from
 * oned's object cache, and the system calls read its configuration: neither needs the lock.
 */
export function holdsDatabase(method: string): boolean {
  if (/^one\.(system|zone)\./.test(method)) return false;
  return !method.endsWith('.info') || /pool\.info$/.test(method);
}
