/**
 * One scheduling cycle's view of the hosts, as mm_sched keeps it (Scheduler.cc match/dispatch):
 * hosts are ranked once, when the cycle starts, by the policy over RUNNING_VMS; each dispatch
 * then adds the VM to its host's share and dispatch count, so later VMs of the same cycle see the
 * host fuller but keep the cycle's ranking. With MAX_HOST above 1 that ranking piles a cycle's
 * VMs onto the first hosts until they are full, whatever the policy; `rerank` (not an
 * OpenNebula knob) ranks again before every VM instead, as a scheduler that meant it would.
 */
import { cpuShare } from './pools.js';

/** A host as the scheduler reads it from the host pool (HOST_SHARE units: CPU %, memory KiB). */
export interface HostShare {
  id: number;
  maxCpu: number;
  maxMemKiB: number;
  cpuUsage: number;
  memUsageKiB: number;
  runningVms: number;
}

/** What a pending VM asks for: CPU in cores (the template's CPU), memory in MiB. */
export interface VmDemand {
  id: number;
  cpu: number;
  memoryMiB: number;
}

export type PlacementPolicy = 'packing' | 'striping';

/** Why a host was not taken, in the scheduler's words (7.x SchedulerFailure). */
export type HostRefusal = 'cpu' | 'memory' | 'dispatch-limit';

export interface CyclePlanOptions {
  policy: PlacementPolicy;
  /** VMs dispatched to one host in this cycle at most */
  maxHost: number;
  /** fraction of host memory kept for the hypervisor */
  hypervisorMem: number;
  /** rank again before each VM, counting this cycle's dispatches (default: once per cycle) */
  rerank?: boolean;
}

interface Slot {
  share: HostShare;
  usableMemKiB: number;
  dispatched: number;
}

export class CyclePlan {
  private ranked: Slot[];
  private readonly byId = new Map<number, Slot>();
  private readonly compare: (a: Slot, b: Slot) => number;

  constructor(
    hosts: readonly HostShare[],
    private readonly options: CyclePlanOptions,
  ) {
    const sign = options.policy === 'packing' ? 1 : -1;
    // higher rank first; equal ranks in host id order, so a run is reproducible
    this.compare = (a, b) => sign * (b.share.runningVms - a.share.runningVms) || a.share.id - b.share.id;
    this.ranked = hosts
      .map((share) => ({
        share: { ...share },
        usableMemKiB: share.maxMemKiB * (1 - options.hypervisorMem),
        dispatched: 0,
      }))
      .sort(this.compare);
    for (const slot of this.ranked) this.byId.set(slot.share.id, slot);
  }

  /** Host ids in rank order: the cycle's, or the current one when reranking. */
  get order(): number[] {
    if (this.options.rerank) this.ranked = this.ranked.sort(this.compare);
    return this.ranked.map((slot) => slot.share.id);
  }

  /** Whether `host` can take `vm` now, or why not. */
  test(vm: VmDemand, hostId: number): HostRefusal | undefined {
    const slot = this.slot(hostId);
    if (slot.share.cpuUsage + cpuShare(vm) > slot.share.maxCpu) return 'cpu';
    if (slot.share.memUsageKiB + vm.memoryMiB * 1024 > slot.usableMemKiB) return 'memory';
    if (slot.dispatched >= this.options.maxHost) return 'dispatch-limit';
    return undefined;
  }

  /** Records a dispatch: the host's share grows by the VM, as HostXML::add_capacity does. */
  commit(vm: VmDemand, hostId: number): void {
    const slot = this.slot(hostId);
    slot.share.cpuUsage += cpuShare(vm);
    slot.share.memUsageKiB += vm.memoryMiB * 1024;
    slot.share.runningVms += 1;
    slot.dispatched += 1;
  }

  private slot(hostId: number): Slot {
    const slot = this.byId.get(hostId);
    if (!slot) throw new Error(`host ${hostId} is not part of this scheduling cycle`);
    return slot;
  }
}

/** SCHED_MESSAGE text for a VM no host took: "[HOST] Not enough CPU on hosts: 0,1 ...". */
export function describeRefusals(refusals: ReadonlyMap<number, HostRefusal>): string {
  if (refusals.size === 0) return '[HOST] No existing hosts';
  const byKind = new Map<HostRefusal, number[]>();
  for (const [hostId, kind] of refusals) byKind.set(kind, [...(byKind.get(kind) ?? []), hostId]);
  const label: Record<HostRefusal, string> = {
    cpu: 'Not enough CPU on hosts',
    memory: 'Not enough MEMORY on hosts',
    'dispatch-limit': 'Dispatch limit reached on hosts',
  };
  return (['cpu', 'memory', 'dispatch-limit'] as const)
    .filter((kind) => byKind.has(kind))
    .map((kind) => `[HOST] ${label[kind]}: ${byKind.get(kind)!.sort((a, b) => a - b).join(',')}`)
    .join(' ');
}
