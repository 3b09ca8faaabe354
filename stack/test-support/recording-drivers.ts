/**
 * Small in-test drivers for the reference stack: they answer after clock-driven latencies and
 * record every action they were asked, when it started and ended, and how many actions were in
 * flight (in total and per host) at every moment. The host farm in adapters/ is the real thing;
 * these only make the stack's behaviour observable from the driver side, as a farm would.
 */
import type { Clock } from '../../sim/clock.js';
import {
  failure,
  success,
  type DriverLauncher,
  type Drivers,
  type MadArguments,
  type MadReply,
  type TransferRequest,
  type VmmRequest,
} from '../../opennebula/driver.js';
import { transferFileHost } from '../../opennebula/transfer-file.js';

export type DriverKind = 'tm' | 'vmm' | 'im';

export interface DriverCall {
  kind: DriverKind;
  /** TRANSFER, DEPLOY, SHUTDOWN, CANCEL or MONITOR */
  action: string;
  /** the VM id, or the host id for MONITOR */
  id: number;
  host: string;
  /** emulated ms */
  start: number;
  end: number;
  result: 'SUCCESS' | 'FAILURE' | 'pending';
  info: string;
  /** the transfer lines (TM) or the deployment's disks cache mode (VMM) */
  detail: TransferRequest | VmmRequest | undefined;
}

export interface HostShape {
  cores: number;
  memoryMiB: number;
}

/** A latency in emulated ms for an action; a function may vary it per request. */
export type Latency<R> = number | ((request: R) => number);

export interface RecordingDriverOptions {
  clock: Clock;
  transferMs?: Latency<TransferRequest>;
  deployMs?: Latency<VmmRequest>;
  shutdownMs?: Latency<VmmRequest>;
  monitorMs?: Latency<{ hostId: number; hostname: string }>;
  /** the host a MONITOR describes; default 8 cores, 24 GiB (the study's hosts) */
  shape?: (hostname: string) => HostShape;
  /** a reason to fail this action, or undefined to succeed */
  failTransfer?: (request: TransferRequest) => string | undefined;
  failVmm?: (request: VmmRequest) => string | undefined;
  failMonitor?: (hostname: string) => string | undefined;
}

const latency = <R>(l: Latency<R> | undefined, request: R, fallback: number): number =>
  l === undefined ? fallback : typeof l === 'function' ? l(request) : l;

/** The host a transfer is for, as its transfer file names it ('?' for a file that names none). */
export function transferHost(request: TransferRequest): string {
  return transferFileHost(request.lines) ?? '?';
}

export class RecordingDrivers {
  readonly calls: DriverCall[] = [];
  readonly launches: MadArguments[] = [];
  private readonly now: Record<DriverKind, number> = { tm: 0, vmm: 0, im: 0 };
  private readonly peakOf: Record<DriverKind, number> = { tm: 0, vmm: 0, im: 0 };
  private readonly vmmByHost = new Map<string, number>();
  private readonly vmmPeakByHost = new Map<string, number>();

  constructor(private readonly options: RecordingDriverOptions) {}

  readonly launcher: DriverLauncher = (args) => {
    this.launches.push(args);
    return this.drivers();
  };

  /** Most actions of that kind ever in flight at once. */
  peak(kind: DriverKind): number {
    return this.peakOf[kind];
  }

  /** Most VMM actions ever in flight at once on one host. */
  peakVmmOnHost(host: string): number {
    return this.vmmPeakByHost.get(host) ?? 0;
  }

  /** The calls of one kind and action, in the order they started. */
  of(kind: DriverKind, action?: string): DriverCall[] {
    return this.calls.filter((c) => c.kind === kind && (action === undefined || c.action === action));
  }

  private drivers(): Drivers {
    const o = this.options;
    return {
      tm: {
        transfer: (request) =>
          this.act('tm', 'TRANSFER', request.vmId, transferHost(request), request, latency(o.transferMs, request, 1000), () =>
            o.failTransfer?.(request),
          ),
      },
      vmm: {
        execute: (request) => {
          const ms =
            request.action === 'DEPLOY'
              ? latency(o.deployMs, request, 5000)
              : latency(o.shutdownMs, request, 1000);
          return this.act('vmm', request.action, request.vmId, request.host, request, ms, () => o.failVmm?.(request), () =>
            request.action === 'DEPLOY' ? `${request.host}:${request.vm.name}:dummy` : '-',
          );
        },
      },
      im: {
        monitor: (request) =>
          this.act('im', 'MONITOR', request.hostId, request.hostname, undefined, latency(o.monitorMs, request, 100), () =>
            o.failMonitor?.(request.hostname),
            () => monitorInfo(request.hostname, o.shape?.(request.hostname) ?? { cores: 8, memoryMiB: 24 * 1024 }),
          ),
      },
    };
  }

  private async act(
    kind: DriverKind,
    action: string,
    id: number,
    host: string,
    detail: DriverCall['detail'],
    ms: number,
    fails: () => string | undefined,
    info: () => string = () => '-',
  ): Promise<MadReply> {
    const { clock } = this.options;
    const call: DriverCall = { kind, action, id, host, start: clock.now(), end: Number.NaN, result: 'pending', info: '', detail };
    this.calls.push(call);
    this.enter(kind, host, +1);
    try {
      await clock.sleep(ms);
    } finally {
      this.enter(kind, host, -1);
    }
    call.end = clock.now();
    const reason = fails();
    const reply = reason === undefined ? success(action, id, info()) : failure(action, id, reason);
    call.result = reply.result;
    call.info = reply.info;
    return reply;
  }

  private enter(kind: DriverKind, host: string, delta: number): void {
    this.now[kind] += delta;
    this.peakOf[kind] = Math.max(this.peakOf[kind], this.now[kind]);
    if (kind !== 'vmm') return;
    const n = (this.vmmByHost.get(host) ?? 0) + delta;
    this.vmmByHost.set(host, n);
    this.vmmPeakByHost.set(host, Math.max(this.vmmPeakByHost.get(host) ?? 0, n));
  }
}

/** What a dummy IM probe prints for a host of that shape (CPU in percent of a core, memory in KiB). */
export function monitorInfo(hostname: string, shape: HostShape): string {
  const totalCpu = shape.cores * 100;
  const totalMem = shape.memoryMiB * 1024;
  return [
    'HYPERVISOR=dummy',
    `HOSTNAME=${hostname}`,
    `TOTALCPU=${totalCpu}`,
    'USEDCPU=0',
    `FREECPU=${totalCpu}`,
    `TOTALMEMORY=${totalMem}`,
    'USEDMEMORY=0',
    `FREEMEMORY=${totalMem}`,
  ].join('\n');
}
