/**
 * The Information Manager as 4.4 ran it (research 5.7): every MANAGER_TIMER it picks at most
 * HOST_PER_INTERVAL hosts not monitored for MONITORING_INTERVAL, least recently monitored first,
 * and sends each an IM MONITOR. A new host is INIT until its first answer: MONITORED on success,
 * ERROR on failure. Only MONITORED hosts are offered to the scheduler, so this pace is also how
 * long a new host farm takes to become usable.
 */
import type { Clock, Timer } from '../sim/clock.js';
import type { InformationDriver, MadReply } from '../opennebula/driver.js';
import { HostState } from '../opennebula/states.js';
import type { ActionPool } from './action-pool.js';
import type { HostPool } from './pools.js';
import { ctime, epochSeconds, type HostMonitor, type HostRecord } from './records.js';
import { settle } from './transfer-manager.js';

export interface MonitoringKnobs {
  MANAGER_TIMER: number;
  HOST_PER_INTERVAL: number;
  MONITORING_INTERVAL: number;
}

const MONITORING_STATE: Partial<Record<number, number>> = {
  [HostState.INIT]: HostState.MONITORING_INIT,
  [HostState.MONITORED]: HostState.MONITORING_MONITORED,
  [HostState.ERROR]: HostState.MONITORING_ERROR,
};

export class InformationManager {
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly hosts: HostPool,
    private readonly driver: InformationDriver,
    private readonly pool: ActionPool,
    private readonly knobs: MonitoringKnobs,
  ) {}

  start(): void {
    this.timer ??= this.clock.every(this.knobs.MANAGER_TIMER * 1000, () => this.timerAction());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** One timer run: returns the hosts it sent MONITOR to (the InformationManager::timer_action). */
  timerAction(): HostRecord[] {
    const now = epochSeconds(this.clock.epochMs());
    const due = this.hosts
      .all()
      .filter((h) => MONITORING_STATE[h.state] !== undefined && h.lastMonTime <= now - this.knobs.MONITORING_INTERVAL)
      .sort((a, b) => a.lastMonTime - b.lastMonTime || a.id - b.id)
      .slice(0, this.knobs.HOST_PER_INTERVAL);
    for (const host of due) {
      host.prevState = host.state;
      host.state = MONITORING_STATE[host.state]!;
      void this.pool
        .run(host.name, () => settle('MONITOR', host.id, () => this.driver.monitor({ hostId: host.id, hostname: host.name })))
        .then((reply) => this.monitorDone(host, reply));
    }
    return due;
  }

  private monitorDone(host: HostRecord, reply: MadReply): void {
    host.lastMonTime = epochSeconds(this.clock.epochMs());
    host.prevState = host.state;
    if (reply.result === 'SUCCESS') {
      const monitor = parseMonitor(reply.info);
      if (monitor) {
        host.monitor = monitor;
        host.state = HostState.MONITORED;
        host.error = undefined;
        return;
      }
      reply = { ...reply, info: 'monitor answer has no TOTALCPU or TOTALMEMORY' };
    }
    host.state = HostState.ERROR;
    host.error = `${ctime(this.clock.epochMs())} : Error monitoring Host ${host.name} (${host.id}): ${reply.info}`;
  }
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
