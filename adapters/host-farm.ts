import { z } from 'zod';
import type { DriverTransport, Drivers } from '../opennebula/driver.js';
import type { Clock } from '../sim/clock.js';
import { sample, type Random } from '../sim/random.js';
import { SharedResource } from '../sim/shared-resource.js';
import { TimerHeap } from '../sim/timer-heap.js';
import { FarmCore } from './farm-core.js';
import type { FarmEvent, NetMsg } from './farm-events.js';
import { FaultPlanSchema, Faults, type FaultPlan, type FaultPlanInput } from './faults.js';
import { DEFAULT_HOSTS, FarmHost, type HostSpec } from './host.js';
import { FarmInformationDriver } from './im-driver.js';
import { FarmInstrument } from './instrument.js';
import type { FarmLauncher } from './mad-drivers.js';
import { LatencyModelSchema, type LatencyModel, type LatencyModelInput } from './latency-model.js';
import { FarmTransferDriver } from './tm-driver.js';
import { FarmVmmDriver } from './vmm-driver.js';

/**
 * The host farm (docs/architecture.md, "The host model"): emulated hypervisor hosts with cores, memory and
 * a page cache, the image store and the head node's CPU as shared resources, and the dummy TM,
 * VMM and IM drivers a stack calls through `launcher`. Everything it does is reported as
 * `FarmEvent`s and counted by `instrument`.
 */
export interface HostFarmOptions {
  clock: Clock;
  random: Random;
  /** default: 16 hosts x 8 cores x 24 GiB, host-01..host-16 */
  hosts?: HostSpec[];
  latency?: LatencyModelInput;
  faults?: FaultPlanInput;
  /** The image store on the head node (an NFS server); see FarmConfigSchema for the defaults. */
  store?: { mbps?: number; threads?: number; requestMs?: number };
  /** The head node's CPU, where SSH set-ups run; default 8 cores. */
  headNode?: { cores?: number };
  onEvent?: (e: FarmEvent) => void;
  onNetMsg?: (m: NetMsg) => void;
}

const HostSpecSchema = z
  .object({
    name: z.string().regex(/^[^\s:/]+$/, 'a host name has no spaces, colons or slashes (it is the host of host:path)'),
    cores: z.number().finite().positive(),
    memoryMiB: z.number().finite().positive(),
  })
  .strict();

/** The image store on the head node: an NFS server (scenario field `store`). */
export const StoreSchema = z
  .object({
    /** The link the NFS export is served over: the study's QDR InfiniBand with IPoIB, about 1 GB/s of NFS payload. */
    mbps: z.number().finite().positive().default(1000),
    /** nfsd threads: requests served at once, the rest queue (Debian's RPCNFSDCOUNT, 8 by default). */
    threads: z.int().positive().default(8),
    /** One request's service on an nfsd thread, ms: RPC decoding, the copy out of the server's page cache, the reply. */
    requestMs: z.number().finite().positive().default(0.3),
  })
  .strict();

const FarmConfigSchema = z.object({
  hosts: z
    .array(HostSpecSchema)
    .min(1)
    .default(() => DEFAULT_HOSTS.map((h) => ({ ...h })))
    .superRefine((hosts, ctx) => {
      const seen = new Set<string>();
      for (const [i, h] of hosts.entries()) {
        if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${h.name} appears twice` });
        seen.add(h.name);
      }
    }),
  latency: LatencyModelSchema.prefault({}),
  faults: FaultPlanSchema.prefault({}),
  store: StoreSchema.prefault({}),
  headNode: z
    .object({
      /** The study does not give the front-end's shape; 8 cores, like its hosts. */
      cores: z.number().finite().positive().default(8),
    })
    .strict()
    .prefault({}),
});

/** A farm configuration a user wrote that cannot run; the message names the field and the problem. */
export class FarmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FarmConfigError';
  }
}

/** A host as the farm sees it now (a copy: changing it changes nothing). */
export interface HostState {
  name: string;
  cores: number;
  memoryMiB: number;
  usedMemoryMiB: number;
  peakMemoryMiB: number;
  /** latency and CPU-work multiplier */
  slow: number;
  crashedAt: number | undefined;
  /** ids of the VMs deployed there */
  vms: number[];
  /** cores' worth of CPU the guests take now */
  cpuInUse: number;
}

export class HostFarm {
  readonly clock: Clock;
  readonly latency: LatencyModel;
  readonly faults: FaultPlan;
  /** the image store, in MB/s */
  readonly store: SharedResource;
  /** the head node's CPU, in cores */
  readonly headNode: SharedResource;
  readonly instrument: FarmInstrument;
  /** The farm's drivers for a transport: what each action does on the hosts (mad-drivers.ts puts each on its pool). */
  readonly launcher: FarmLauncher;
  private readonly core: FarmCore;
  private readonly hostList: FarmHost[];
  private readonly timers: TimerHeap;

  constructor(options: HostFarmOptions) {
    const parsed = FarmConfigSchema.safeParse({
      hosts: options.hosts,
      latency: options.latency,
      faults: options.faults,
      store: options.store,
      headNode: options.headNode,
    });
    if (!parsed.success) throw new FarmConfigError(`host farm configuration: ${describeIssues(parsed.error.issues)}`);
    const config = parsed.data;
    const names = new Set(config.hosts.map((h) => h.name));
    for (const name of Object.keys(config.faults.hosts)) {
      if (!names.has(name)) {
        throw new FarmConfigError(
          `host farm configuration: faults.hosts.${name}: no such host in the farm (${summarizeNames(config.hosts)})`,
        );
      }
    }

    this.clock = options.clock;
    // Every latency of every action is a pending timer: a burst of 100,000 VMs keeps that many at
    // once, cheap in one heap of our own, dear as as many timers on a VirtualClock.
    const clock = new TimerHeap(options.clock);
    this.timers = clock;
    this.latency = config.latency;
    this.faults = config.faults;
    const { random } = options;
    this.hostList = config.hosts.map((spec, index) => {
      // Drawn from a stream named by the host: adding a host leaves the others' draws alone.
      const drawn = sample(config.latency.hostSlowdown, random.stream('host', spec.name, 'slowdown'));
      const slow = (config.faults.hosts[spec.name]?.slow ?? 1) * drawn;
      return new FarmHost(clock, index, spec.name, spec.cores, spec.memoryMiB, slow);
    });
    this.store = new SharedResource(clock, storeMBps(config.store, config.latency), { name: 'image store' });
    this.headNode = new SharedResource(clock, config.headNode.cores, { name: 'head node cpu' });
    this.instrument = new FarmInstrument(this.hostList, this.store);
    this.core = new FarmCore({
      clock,
      random,
      latency: config.latency,
      faults: new Faults(config.faults, random),
      hosts: this.hostList,
      store: this.store,
      headNode: this.headNode,
      instrument: this.instrument,
      storeRequestMs: config.store.requestMs,
      onEvent: options.onEvent,
      onNetMsg: options.onNetMsg,
    });
    this.launcher = (args: { transport: DriverTransport }): Drivers => {
      if (args.transport !== 'ssh' && args.transport !== 'persistent') {
        throw new FarmConfigError(`driver arguments: transport must be 'ssh' or 'persistent', got '${String(args.transport)}'`);
      }
      return {
        tm: new FarmTransferDriver(this.core, args.transport),
        vmm: new FarmVmmDriver(this.core, args.transport),
        im: new FarmInformationDriver(this.core, args.transport),
      };
    };
    for (const host of this.hostList) {
      const at = config.faults.hosts[host.name]?.crashAt;
      if (at !== undefined) clock.timer(Math.max(0, at - clock.now()), () => this.core.crash(host));
    }
  }

  get hostNames(): string[] {
    return this.hostList.map((h) => h.name);
  }

  host(name: string): HostState | undefined {
    const h = this.core.host(name);
    if (!h) return undefined;
    return {
      name: h.name,
      cores: h.cores,
      memoryMiB: h.memoryMiB,
      usedMemoryMiB: h.usedMemoryMiB,
      peakMemoryMiB: h.peakMemoryMiB,
      slow: h.slow,
      crashedAt: h.crashedAt,
      vms: [...h.vms.keys()],
      cpuInUse: h.cpu.rate,
    };
  }

  /**
   * Stops the farm: every pending latency, boot and crash timer is dropped, so actions in flight
   * never answer. For the end of a run: on a scaled clock a pending real timer would keep the
   * process alive until it fired.
   */
  stop(): void {
    this.timers.stop();
  }

  /** Crashes `name` now, as a `crashAt` in the fault plan would. */
  crash(name: string): void {
    const h = this.core.host(name);
    if (!h) throw new RangeError(`no host named ${name} in the farm (${summarizeNames(this.hostList)})`);
    this.core.crash(h);
  }
}

/**
 * What the image store serves at most, MB/s: its nfsd threads each serving one request at a time
 * (requests of a guest's size, the ones a burst of cache=none boots sends), bounded by the link.
 * A fluid model: a request queue served by `threads` servers in arrival order shares them equally
 * among the readers waiting, each reader keeping at most one request in flight (guest-boot.ts).
 */
export function storeMBps(store: { mbps: number; threads: number; requestMs: number }, latency: LatencyModel): number {
  const requestMB = latency.guest.directRequestKiB / 1024;
  return Math.min(store.mbps, (store.threads * requestMB) / (store.requestMs / 1000));
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

function summarizeNames(hosts: readonly { name: string }[]): string {
  const first = hosts[0]?.name;
  const last = hosts[hosts.length - 1]?.name;
  return hosts.length === 1 ? `the only host is ${first}` : `hosts are ${first} .. ${last}`;
}
