import {
  failure,
  monitorText,
  type DriverTransport,
  type InformationDriver,
  type MadReply,
  type MonitorRequest,
  type MonitorValues,
} from '../opennebula/driver.js';
import { faultMessage, never, type FarmCore } from './farm-core.js';
import type { FarmEvent } from './farm-events.js';
import type { FarmHost } from './host.js';

/**
 * The dummy IM driver: MONITOR answers the host's capacity and what its guests use now, as
 * OpenNebula's probes print it (KEY=VALUE lines; CPU in percent of a core, memory in KiB).
 * Unlike OpenNebula's dummy probes, which make usage up, these are the farm's real figures:
 * USEDCPU is what the guests' CPU work takes at this instant, USEDMEMORY what deploys reserved.
 */
export class FarmInformationDriver implements InformationDriver {
  /** each host's last report: handed out again while its usage is unchanged, as between most reports */
  private readonly last = new Map<FarmHost, Probe>();

  constructor(
    private readonly core: FarmCore,
    private readonly transport: DriverTransport,
  ) {}

  monitor(request: MonitorRequest): Promise<MadReply> {
    const { core } = this;
    const host = core.host(request.hostname);
    const index = host?.index ?? -1;
    const base: FarmEvent = { t: core.clock.now(), type: 'im.start', host: request.hostname, action: 'MONITOR' };
    core.emit(base);
    core.instrument.begin('im', index, base.t);
    return this.run(request, host).then((reply) => {
      const t = core.clock.now();
      core.instrument.finish('im', index, t);
      const end: FarmEvent = { ...base, t, type: 'im.end', result: reply.result };
      if (reply.result === 'FAILURE') end.info = reply.info;
      core.emit(end);
      return reply;
    });
  }

  private async run(request: MonitorRequest, host: FarmHost | undefined): Promise<MadReply> {
    const { core } = this;
    const { hostId, hostname } = request;
    const op = 'im.monitor';
    const key = core.actionKey(op, undefined, host, hostname);
    const unreachable = await core.reach(hostname, this.transport, op, undefined, key);
    if (unreachable !== undefined) return failure('MONITOR', hostId, unreachable);
    const h = host!;
    const fault = core.decide(op, h, undefined, key);
    if (fault.kind === 'hang') return never();
    const failed = await core.work(h, core.latency.im.monitor, key);
    if (failed !== undefined) return failure('MONITOR', hostId, failed);
    if (fault.kind === 'fail') return failure('MONITOR', hostId, fault.message ?? faultMessage(op, h.name));
    const probe = this.probe(h);
    return { action: 'MONITOR', result: 'SUCCESS', id: hostId, info: probe.text, values: probe.values };
  }

  /**
   * A 10,000-host farm reports tens of thousands of times an emulated hour, and a host's usage
   * moves only when a guest deploys, boots or leaves: the values and their text are made again
   * only then.
   */
  private probe(host: FarmHost): Probe {
    const usedCpu = usedCpuOf(host);
    const usedKiB = host.usedMemoryMiB * 1024;
    const last = this.last.get(host);
    if (last !== undefined && last.usedCpu === usedCpu && last.usedKiB === usedKiB) return last;
    const values = monitorValues(host);
    const probe: Probe = { usedCpu, usedKiB, values, text: monitorText(values) };
    this.last.set(host, probe);
    return probe;
  }
}

interface Probe {
  usedCpu: number;
  usedKiB: number;
  values: MonitorValues;
  text: string;
}

/** USEDCPU: what the guests' CPU work takes at this instant, in percent of a core. */
function usedCpuOf(host: FarmHost): number {
  return Math.min(host.cores * 100, Math.round(host.cpu.rate * 100));
}

/** The probe's values for `host` now, in the order the probe prints them. */
export function monitorValues(host: FarmHost): MonitorValues {
  const totalCpu = host.cores * 100;
  const usedCpu = usedCpuOf(host);
  const totalKiB = host.memoryMiB * 1024;
  const usedKiB = host.usedMemoryMiB * 1024;
  return {
    HYPERVISOR: 'dummy',
    HOSTNAME: host.name,
    ARCH: 'x86_64',
    MODELNAME: 'Stampede emulated host',
    CPUSPEED: '2200',
    TOTALCPU: String(totalCpu),
    USEDCPU: String(usedCpu),
    FREECPU: String(totalCpu - usedCpu),
    TOTALMEMORY: String(totalKiB),
    USEDMEMORY: String(usedKiB),
    FREEMEMORY: String(totalKiB - usedKiB),
    NETRX: '0',
    NETTX: '0',
  };
}
