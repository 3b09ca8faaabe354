import type { Clock } from '../sim/clock.js';
import type { StopSignal } from '../sim/stop-signal.js';
import { SharedResource } from '../sim/shared-resource.js';

/** A host's shape, as a scenario gives it. */
export interface HostSpec {
  name: string;
  cores: number;
  memoryMiB: number;
}

/**
 * `n` identical hosts named host-01, host-02, ... (at least two digits, more when n > 99), the
 * way the study's cluster was named and the way OpenNebula lists them sorted.
 */
export function uniformHosts(n: number, shape: { cores: number; memoryMiB: number }, prefix = 'host'): HostSpec[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`host count must be a whole number >= 1, got ${n}`);
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i + 1).padStart(width, '0')}`, ...shape }));
}

/** The study's cluster: 16 hosts of 8 cores and 24 GiB. */
export const DEFAULT_HOSTS: readonly HostSpec[] = uniformHosts(16, { cores: 8, memoryMiB: 24_576 });

/**
 * Memory the page cache cannot have, besides the guests' own: the hypervisor's kernel, libvirtd
 * and the host's daemons (1 GiB), and per guest the qemu process's own memory beyond the guest's
 * RAM (device emulation, page tables, I/O buffers: about 100 MiB for a small KVM guest).
 */
export const HOST_RESERVED_MIB = 1024;
export const QEMU_OVERHEAD_MIB = 100;

/** A VM the farm has deployed (from DEPLOY SUCCESS until SHUTDOWN/CANCEL or a crash). */
export interface FarmVm {
  id: number;
  name: string;
  host: FarmHost;
  memoryMiB: number;
  deployId: string;
  /** set while the guest boots: aborting it stops the boot (no NET-MSG) */
  boot: StopSignal | undefined;
}

/**
 * One emulated hypervisor host: a CPU shared by its guests, memory that deploys reserve, a page
 * cache for base images, and whether it is still alive.
 */
export class FarmHost {
  readonly cpu: SharedResource;
  usedMemoryMiB = 0;
  peakMemoryMiB = 0;
  /** emulated ms of the crash, once crashed */
  crashedAt: number | undefined;
  /** aborted when the host crashes: whatever runs on it stops */
  private readonly alive = new AbortController();
  /** deployed VMs by id */
  readonly vms = new Map<number, FarmVm>();
  /** base images in this host's page cache: `true` once read, the read itself while in progress */
  readonly pageCache = new Map<string, true | Promise<void>>();
  /** actions run so far that are about this host rather than a VM (monitoring), to name their random streams */
  hostActions = 0;

  constructor(
    clock: Clock,
    readonly index: number,
    readonly name: string,
    readonly cores: number,
    readonly memoryMiB: number,
    /** latency and CPU-work multiplier: the fault plan's `slow` times the drawn host slowdown */
    readonly slow: number,
  ) {
    this.cpu = new SharedResource(clock, cores, { name: `${name} cpu` });
  }

  get crashed(): boolean {
    return this.crashedAt !== undefined;
  }

  get freeMemoryMiB(): number {
    return this.memoryMiB - this.usedMemoryMiB;
  }

  /** Aborted when the host crashes. */
  get signal(): AbortSignal {
    return this.alive.signal;
  }

  /** MiB the page cache can hold now: what neither the guests, their qemu processes nor the host itself use. */
  pageCacheRoomMiB(): number {
    return this.memoryMiB - HOST_RESERVED_MIB - this.usedMemoryMiB - QEMU_OVERHEAD_MIB * this.vms.size;
  }

  /** Takes `mib` if it fits in free memory; false otherwise. */
  reserve(mib: number): boolean {
    if (mib > this.freeMemoryMiB) return false;
    this.usedMemoryMiB += mib;
    if (this.usedMemoryMiB > this.peakMemoryMiB) this.peakMemoryMiB = this.usedMemoryMiB;
    return true;
  }

  release(mib: number): void {
    this.usedMemoryMiB = Math.max(0, this.usedMemoryMiB - mib);
  }

  /** Marks the host dead and returns the VMs that were on it. Idempotent. */
  crash(at: number): FarmVm[] {
    if (this.crashed) return [];
    this.crashedAt = at;
    const lost = [...this.vms.values()];
    this.vms.clear();
    this.usedMemoryMiB = 0;
    this.pageCache.clear();
    this.alive.abort(new HostCrashed(this.name));
    return lost;
  }
}

export class HostCrashed extends Error {
  constructor(readonly host: string) {
    super(`host ${host} crashed`);
    this.name = 'HostCrashed';
  }
}
