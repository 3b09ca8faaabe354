/**
 * The Information Manager as 4.4 ran it (InformationManager.cc, oned.conf): every MANAGER_TIMER it picks at most
 * HOST_PER_INTERVAL hosts not monitored for MONITORING_INTERVAL, least recently monitored first,
 * and sends each an IM MONITOR. A new host is INIT until its first answer: MONITORED on success,
 * ERROR on failure. Only MONITORED hosts are offered to the scheduler, so this pace is also how
 * long a new host farm takes to become usable.
 */
import type { Clock, Timer } from '../sim/clock.js';
import type { InformationDriver, MadReply, MonitorValues } from '../opennebula/driver.js';
import { HostState } from '../opennebula/states.js';
import { IndexedHeap } from '../sim/indexed-heap.js';
import type { HostPool } from './pools.js';
import { ctime, epochSeconds, type HostMonitor, type HostRecord } from './records.js';
import { settle } from './transfer-manager.js';

export interface MonitoringKnobs {
  MANAGER_TIMER: number;
  HOST_PER_INTERVAL: number;
  MONITORING_INTERVAL: number;
  /**
   * 4.4's UDP push (the collectd IM's `-i`): seconds between the reports a host's probes send once
   * a first MONITOR has started them; 0 or absent, hosts are only asked (MONITORING_INTERVAL).
   */
  PUSH_INTERVAL?: number | undefined;
}

const MONITORING_STATE: Partial<Record<number, number>> = {
  [HostState.INIT]: HostState.MONITORING_INIT,
  [HostState.MONITORED]: HostState.MONITORING_MONITORED,
  [HostState.ERROR]: HostState.MONITORING_ERROR,
};

interface Waiting {
  host: HostRecord;
  heapIndex: number;
}

/** Least recently monitored first; equal times in host id order. */
const monitoredEarlier = ({ host: a }: Waiting, { host: b }: Waiting): boolean =>
  a.lastMonTime < b.lastMonTime || (a.lastMonTime === b.lastMonTime && a.id < b.id);

export class InformationManager {
  private timer: Timer | undefined;
  /**
   * Hosts waiting for their next MONITOR, least recently monitored first. A host leaves when it
   * is sent one and comes back with the answer, so a timer run costs what it sends, not a sort
   * of the whole host pool every MANAGER_TIMER.
   */
  private readonly waiting = new IndexedHeap<Waiting>(monitoredEarlier);
  /** hosts of the pool with an id below this are known here */
  private known = 0;
  /** hosts met in a state that is not monitored (none of 4.4's API leads there); looked at every run */
  private parked: HostRecord[] = [];
  /** each host's place in `waiting`, while it is there */
  private readonly entries = new Map<HostRecord, Waiting>();
  /** hosts whose probes push their reports (PUSH_INTERVAL): the timer of each one's next report */
  private readonly pushes = new Map<HostRecord, Timer | undefined>();
  private pushing = false;
  /** the reports' listener (with `reports`): the answer it is on, those after it wait */
  private listener: Promise<void> = Promise.resolve();
  /**
   * each host's last answer as read, as text or, from a driver in this process, as values: a host
   * at rest answers the same minute after minute, and keeps its monitor (and its cached document)
   */
  private readonly answers = new Map<number, { info?: string; values?: MonitorValues; monitor: HostMonitor }>();

  constructor(
    private readonly clock: Clock,
    private readonly hosts: HostPool,
    private readonly driver: InformationDriver,
    private readonly knobs: MonitoringKnobs,
    /**
     * What oned does with reports beyond the host's record, when its database is SQLite
     * (database.ts): one listener thread takes the answers one after another, each once the one
     * before is written (`listenerFree`), and writes the host and the VMs it lists (`record`).
     */
    private readonly reports?: { listenerFree(): Promise<void>; record(host: HostRecord): void },
  ) {}

  start(): void {
    this.timer ??= this.clock.every(this.knobs.MANAGER_TIMER * 1000, () => this.timerAction());
    this.pushing = Boolean(this.knobs.PUSH_INTERVAL);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pushing = false;
    for (const timer of this.pushes.values()) timer?.cancel();
    this.pushes.clear();
  }

  /** One timer run: returns the hosts it sent MONITOR to (the InformationManager::timer_action). */
  timerAction(): HostRecord[] {
    const now = epochSeconds(this.clock.epochMs());
    for (; this.known < this.hosts.peekId(); this.known += 1) {
      const host = this.hosts.get(this.known);
      if (host) this.wait(host);
    }
    const parked = this.parked;
    this.parked = [];
    for (const host of parked) {
      if (this.hosts.get(host.id) !== host) continue;
      if (MONITORING_STATE[host.state] === undefined) this.parked.push(host);
      else this.wait(host);
    }
    const due: HostRecord[] = [];
    const threshold = now - this.knobs.MONITORING_INTERVAL;
    for (let next = this.waiting.peek(); next && next.host.lastMonTime <= threshold; next = this.waiting.peek()) {
      if (due.length >= this.knobs.HOST_PER_INTERVAL) break;
      this.waiting.pop();
      const { host } = next;
      this.entries.delete(host);
      if (this.hosts.get(host.id) !== host) continue; // deleted (one.host.delete): monitored no more
      if (MONITORING_STATE[host.state] === undefined) this.parked.push(host);
      else due.push(host);
    }
    for (const host of due) {
      host.prevState = host.state;
      host.state = MONITORING_STATE[host.state]!;
      // the IM driver queues it on its own workers (`-t`), as a MAD process does
      // nothing waits on the chain's end: the callback does not hand take's promise on to it
      void this.ask(host).then((reply) => void this.take(host, reply, false));
    }
    return due;
  }

  private ask(host: HostRecord): Promise<MadReply> {
    return settle('MONITOR', host.id, () => this.driver.monitor({ hostId: host.id, hostname: host.name }));
  }

  /** An answer reaches oned: the listener takes the answers in the order they come, each once the one before is written. */
  private take(host: HostRecord, reply: MadReply, pushed: boolean): Promise<void> {
    const reports = this.reports;
    if (!reports) {
      this.monitorDone(host, reply, pushed);
      return Promise.resolve();
    }
    this.listener = this.listener.then(() => reports.listenerFree()).then(() => this.monitorDone(host, reply, pushed));
    return this.listener;
  }

  /**
   * A host's probes, once started, report every PUSH_INTERVAL until the head node stops or the
   * host fails. A report is sent once the one before it was taken: one in flight per host, as the
   * UDP socket and the driver's pipe hold little more while oned is behind.
   */
  private pushLater(host: HostRecord): void {
    if (!this.pushing || this.pushes.has(host)) return;
    this.pushes.set(
      host,
      this.clock.timer(this.knobs.PUSH_INTERVAL! * 1000, () => {
        // the entry stays, without a timer, until the answer is back: one report in flight per host
        this.pushes.set(host, undefined);
        if (this.hosts.get(host.id) !== host || host.state !== HostState.MONITORED) {
          this.pushes.delete(host);
          return;
        }
        void this.ask(host).then((reply) => {
          if (!this.pushing) return;
          this.pushes.delete(host);
          void this.take(host, reply, true);
        });
      }),
    );
  }

  private wait(host: HostRecord): void {
    const entry: Waiting = { host, heapIndex: -1 };
    this.entries.set(host, entry);
    this.waiting.push(entry);
  }

  private monitorDone(host: HostRecord, reply: MadReply, pushed = false): void {
    host.lastMonTime = epochSeconds(this.clock.epochMs());
    host.prevState = host.state;
    // a pushed report finds the host still waiting for its next MONITOR: later now
    const entry = this.entries.get(host);
    if (!pushed) this.wait(host);
    else if (entry) this.waiting.update(entry);
    if (reply.result === 'SUCCESS') {
      const last = this.answers.get(host.id);
      // a driver in this process hands its values over as they are (MadReply.values): compared and
      // read as values, its text (`info`) is not needed here
      const values = reply.values;
      const same = last !== undefined && (values === undefined ? last.info === reply.info : last.values !== undefined && sameValues(last.values, values));
      const monitor = same ? last.monitor : values ? monitorOf(values) : parseMonitor(reply.info);
      if (monitor) {
        if (last?.monitor !== monitor) this.answers.set(host.id, values ? { values, monitor } : { info: reply.info, monitor });
        host.monitor = monitor;
        host.state = HostState.MONITORED;
        host.error = undefined;
        this.reports?.record(host);
        this.pushLater(host);
        return;
      }
      reply = { ...reply, info: 'monitor answer has no TOTALCPU or TOTALMEMORY' };
    }
    host.state = HostState.ERROR;
    host.error = `${ctime(this.clock.epochMs())} : Error monitoring Host ${host.name} (${host.id}): ${reply.info}`;
  }
}

/** Whether two probe outputs say the same: the same keys with the same values. */
function sameValues(a: MonitorValues, b: MonitorValues): boolean {
  if (a === b) return true;
  let keys = 0;
  for (const key in a) {
    if (a[key] !== b[key]) return false;
    keys += 1;
  }
  for (const _ in b) keys -= 1;
  return keys === 0;
}

/**
 * The probes' KEY=VALUE output, one per line or separated by spaces, values optionally quoted.
 * TOTALCPU and TOTALMEMORY are what the scheduler needs; without them the answer is unusable.
 */
export function parseMonitor(info: string): HostMonitor | undefined {
  const attributes: Record<string, string> = {};
  for (const match of info.matchAll(/([A-Z0-9_]+)\s*=\s*("([^"]*)"|\S*)/gi)) {
    attributes[match[1]!.toUpperCase()] = match[3] ?? match[2]!;
  }
  return monitorOf(attributes);
}

/** The host's monitor from the probe's values, KEY (upper case) -> value; the same as parseMonitor of their text. */
export function monitorOf(attributes: MonitorValues): HostMonitor | undefined {
  const num = (key: string): number | undefined => {
    const value = attributes[key];
    const n = value === undefined ? NaN : Number(value);
    return Number.isFinite(n) ? n : undefined;
  };
  const totalCpu = num('TOTALCPU');
  const totalMemKiB = num('TOTALMEMORY');
  if (totalCpu === undefined || totalMemKiB === undefined) return undefined;
  const usedCpu = num('USEDCPU') ?? 0;
  const usedMemKiB = num('USEDMEMORY') ?? 0;
  return {
    hypervisor: attributes.HYPERVISOR ?? 'dummy',
    totalCpu,
    usedCpu,
    freeCpu: num('FREECPU') ?? totalCpu - usedCpu,
    totalMemKiB,
    usedMemKiB,
    freeMemKiB: num('FREEMEMORY') ?? totalMemKiB - usedMemKiB,
    attributes,
  };
}
