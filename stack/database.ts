/**
 * oned's database as the head node's other components meet it (docs/fidelity.md, "The database
 * lock"): one lock around every statement. 4.4's SQLite back end (SqliteDB::exec) takes a mutex
 * for each statement, the whole query included, so a pool dump holds it while its rows are turned
 * into XML and a write holds it until its commit is on disk. Whoever needs the lock waits for
 * whoever holds it, in arrival order.
 *
 * What makes it a cost that grows with the run: the host monitoring. Every VM a host reports is
 * three statements (the VM, its history record, a monitoring record: VirtualMachineManagerDriver::
 * process_poll), and the listener thread that processes a report runs them back to back. The
 * mutex is not fair (a glibc mutex has no hand-off): the listener, which drops and retakes it
 * within microseconds, keeps it against a waiter that must first be woken and scheduled, so a
 * report holds the lock from its first statement to its last. The more VMs run, the longer each
 * report, and the longer a request that needs the lock (a scheduler's deploy, a pool dump) waits.
 *
 * Requests are not serialized against one another here: each profile's API service times
 * (profile.ts, `api`) stand for what a call costs with its own statements, served on MAX_CONN
 * workers. What the lock adds to a request is the wait for the reports that hold it.
 *
 *   const db = new Database(clock);
 *   void db.hold(db.reportMs(30));          // a host's report with 30 VMs: 1.53 s of the lock
 *   await db.free();                         // a request's statements, once the reports are done
 */
import type { Clock } from '../sim/clock.js';

/**
 * Emulated ms of one committed write in 4.4's SQLite: a transaction of its own (oned wraps none),
 * which "normally requires two complete rotations of the disk platter, which on a 7200RPM disk
 * drive limits you to about 60 transactions per second" (SQLite's FAQ): the rollback journal
 * synced, then the database pages. Two rotations at 7,200 rpm, the disks of the study's era.
 */
export const SQLITE_WRITE_MS = (2 * 60_000) / 7200;

/** Statements oned commits for one monitored VM: the VM, its history record, a monitoring record. */
export const WRITES_PER_MONITORED_VM = 3;
/** Statements oned commits for the monitored host itself: the host and a host monitoring record. */
export const WRITES_PER_MONITORED_HOST = 2;

export class Database {
  /** emulated ms when the lock is free again */
  private freeAt = 0;
  private heldMs = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'sleep'>,
    readonly writeMs: number = SQLITE_WRITE_MS,
  ) {}

  /** Emulated ms `n` committed writes hold the lock. */
  statementsMs(n: number): number {
    return n * this.writeMs;
  }

  /** Emulated ms a host's monitoring report holds the lock, with `vms` VMs in it. */
  reportMs(vms: number): number {
    return this.statementsMs(WRITES_PER_MONITORED_HOST + WRITES_PER_MONITORED_VM * vms);
  }

  /** Emulated ms the lock has been held in all (a figure for reports and tests). */
  get busyMs(): number {
    return this.heldMs;
  }

  /** Resolves once the caller has held the lock for `ms`, after every holder that came before it: a report. */
  hold(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const now = this.clock.now();
    const done = Math.max(now, this.freeAt) + ms;
    this.freeAt = done;
    this.heldMs += ms;
    return this.clock.sleep(done - now);
  }

  /** Resolves when the holders that came before have let the lock go: where a request's statements can run. */
  free(): Promise<void> {
    const wait = this.freeAt - this.clock.now();
    return wait > 0 ? this.clock.sleep(wait) : Promise.resolve();
  }
}
