import type { SharedResource } from '../sim/shared-resource.js';
import type { FarmHost } from './host.js';
import { StepSeries } from './step-series.js';

/**
 * What the detectors read: how many actions of each kind were in flight, per host and over the
 * farm, at every instant (exact step series and peaks), how much the image store served, and
 * each host's peak memory. Updated synchronously with the farm's events, so it agrees with them.
 */

/** tm: TRANSFER requests; vmm: DEPLOY/SHUTDOWN/CANCEL; boot: guests booting; ssh: connections being set up; im: MONITOR. */
export const FLIGHT_KINDS = ['tm', 'vmm', 'boot', 'ssh', 'im'] as const;
export type FlightKind = (typeof FLIGHT_KINDS)[number];

export interface HostSummary {
  host: string;
  peakInFlight: Record<FlightKind, number>;
  peakMemoryMiB: number;
  crashedAt?: number;
}

export interface FarmSummary {
  peakInFlight: Record<FlightKind, number>;
  storeServedMB: number;
  hosts: HostSummary[];
}

export class FarmInstrument {
  private readonly global = new Map<FlightKind, StepSeries>(FLIGHT_KINDS.map((k) => [k, new StepSeries()]));
  /** [kind][host index], created on first use: a 10,000-host farm mostly has idle kinds */
  private readonly perHost = new Map<FlightKind, (StepSeries | undefined)[]>(FLIGHT_KINDS.map((k) => [k, []]));
  private readonly byName: Map<string, FarmHost>;

  constructor(
    private readonly hosts: readonly FarmHost[],
    private readonly store: SharedResource,
  ) {
    this.byName = new Map(hosts.map((h) => [h.name, h]));
  }

  /** In-flight series of `kind` on `host`, or over the whole farm when `host` is omitted. */
  inFlight(kind: FlightKind, host?: string): StepSeries {
    if (host === undefined) return this.global.get(kind)!;
    const h = this.byName.get(host);
    if (!h) throw new RangeError(`no host named ${host} in the farm`);
    return this.hostSeries(kind, h.index);
  }

  /** MB the image store has served so far (boot working sets). */
  get storeServedMB(): number {
    return this.store.served;
  }

  peakMemoryMiB(host: string): number {
    const h = this.byName.get(host);
    if (!h) throw new RangeError(`no host named ${host} in the farm`);
    return h.peakMemoryMiB;
  }

  summary(): FarmSummary {
    const peaks = (pick: (k: FlightKind) => number): Record<FlightKind, number> =>
      Object.fromEntries(FLIGHT_KINDS.map((k) => [k, pick(k)])) as Record<FlightKind, number>;
    return {
      peakInFlight: peaks((k) => this.global.get(k)!.peak),
      storeServedMB: this.storeServedMB,
      hosts: this.hosts.map((h) => ({
        host: h.name,
        peakInFlight: peaks((k) => this.perHost.get(k)![h.index]?.peak ?? 0),
        peakMemoryMiB: h.peakMemoryMiB,
        ...(h.crashedAt === undefined ? {} : { crashedAt: h.crashedAt }),
      })),
    };
  }

  /** One more `kind` action in flight at `t` (on host `hostIndex`, or -1 for none). */
  begin(kind: FlightKind, hostIndex: number, t: number): void {
    this.global.get(kind)!.change(t, 1);
    if (hostIndex >= 0) this.hostSeries(kind, hostIndex).change(t, 1);
  }

  finish(kind: FlightKind, hostIndex: number, t: number): void {
    this.global.get(kind)!.change(t, -1);
    if (hostIndex >= 0) this.hostSeries(kind, hostIndex).change(t, -1);
  }

  private hostSeries(kind: FlightKind, index: number): StepSeries {
    const all = this.perHost.get(kind)!;
    let s = all[index];
    if (!s) {
      s = new StepSeries();
      all[index] = s;
    }
    return s;
  }
}
