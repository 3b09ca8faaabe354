/**
 * One scheduling cycle's view of the hosts, as mm_sched keeps it (Scheduler.cc match/dispatch):
 * hosts are ranked once, when the cycle starts, by the policy over RUNNING_VMS; each dispatch
 * then adds the VM to its host's share and dispatch count, so later VMs of the same cycle see the
 * host fuller but keep the cycle's ranking. With MAX_HOST above 1 that ranking piles a cycle's
 * VMs onto the first hosts until they are full, whatever the policy; `rerank` (not an
 * OpenNebula knob) ranks again before every VM instead, as a scheduler that meant it would.
 *
 * The ranking is the order (rank, host id), rank being RUNNING_VMS (negated when packing). It is
 * kept in a binary heap rather than sorted per VM: a dispatch moves one host by one place in
 * rank, so at 10,000 hosts finding "the best host that takes this VM" costs O(log hosts). Hosts
 * that refuse a VM leave the heap for as long as the VMs that follow ask at least as much: in a
 * cycle hosts only fill up, so they would refuse those too.
 *
 * A scheduler keeps one PlanSlots for all its cycles: each cycle's plan takes over the host slots
 * of the one before and fills them in place, so a cycle over 100,000 hosts costs no object per host.
 */
import { IndexedHeap } from '../sim/indexed-heap.js';
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
  id: number;
  maxCpu: number;
  usableMemKiB: number;
  cpuUsage: number;
  memUsageKiB: number;
  dispatched: number;
  /** RUNNING_VMS, negated when packing, so that the lower (rank, id) comes first */
  rank: number;
  /** index in the heap, -1 while the host is out of it */
  heapIndex: number;
  /** the plan the slot is part of: a host missing from a later cycle keeps an older one */
  plan: number;
}

/**
 * The host slots a scheduler's plans share, by host id: a plan is done with them once the next
 * plan of the same store is made (cycles are one after another).
 */
export class PlanSlots {
  /** indexed by host id (ids are small integers, handed out in order) */
  readonly byId: Slot[] = [];
  plans = 0;
}

const before = (a: Slot, b: Slot): boolean => a.rank < b.rank || (a.rank === b.rank && a.id < b.id);

export class CyclePlan {
  /** in host id order, as the pool lists them */
  private readonly slots: Slot[];
  /** indexed by host id; a slot whose `plan` is not this one's is not part of the cycle */
  private readonly byId: Slot[];
  private readonly stamp: number;
  /** the hosts that may take the next VM, best first */
  private readonly heap: IndexedHeap<Slot>;
  private readonly step: number;
  /** hosts out of the heap because they refused a VM asking `refusedCpu`/`refusedMemKiB` or less */
  private refused: Slot[] = [];
  private refusedCpu = 0;
  private refusedMemKiB = 0;
  private dispatches = 0;
  private message: { cpu: number; memKiB: number; dispatches: number; text: string } | undefined;

  constructor(
    hosts: readonly HostShare[],
    private readonly options: CyclePlanOptions,
    /** the scheduler's slots, taken over from its previous plan (by default this plan's own) */
    store: PlanSlots = new PlanSlots(),
  ) {
    const step = options.policy === 'packing' ? -1 : 1;
    this.step = step;
    this.byId = store.byId;
    this.stamp = store.plans += 1;
    const slots = new Array<Slot>(hosts.length);
    for (let i = 0; i < hosts.length; i += 1) {
      const share = hosts[i]!;
      let slot = this.byId[share.id];
      if (slot === undefined) {
        slot = { id: share.id, maxCpu: 0, usableMemKiB: 0, cpuUsage: 0, memUsageKiB: 0, dispatched: 0, rank: 0, heapIndex: -1, plan: 0 };
        this.byId[share.id] = slot;
      }
      slot.maxCpu = share.maxCpu;
      slot.usableMemKiB = share.maxMemKiB * (1 - options.hypervisorMem);
      slot.cpuUsage = share.cpuUsage;
      slot.memUsageKiB = share.memUsageKiB;
      slot.dispatched = 0;
      slot.rank = step * share.runningVms;
      slot.heapIndex = -1;
      slot.plan = this.stamp;
      slots[i] = slot;
    }
    this.slots = slots;
    this.heap = new IndexedHeap(before, slots);
  }

  /** Host ids in rank order: the cycle's, or the current one when reranking. */
  get order(): number[] {
    return this.slots
      .slice()
      .sort((a, b) => a.rank - b.rank || a.id - b.id)
      .map((slot) => slot.id);
  }

  /** Whether `host` can take `vm` now, or why not. */
  test(vm: VmDemand, hostId: number): HostRefusal | undefined {
    return this.check(vm, this.slot(hostId));
  }

  /**
   * The first host in rank order that can take `vm` now, leaving out the hosts in `skip` (those
   * whose deploy of this VM the head node refused); undefined when none can.
   */
  bestFit(vm: VmDemand, skip?: ReadonlySet<number>): number | undefined {
    this.forgetRefusals(vm);
    let aside: Slot[] | undefined;
    let found: number | undefined;
    for (let top = this.heap.peek(); top !== undefined; top = this.heap.peek()) {
      if (skip?.has(top.id)) {
        (aside ??= []).push(this.pop());
      } else if (this.check(vm, top) !== undefined) {
        this.refused.push(this.pop());
      } else {
        found = top.id;
        break;
      }
    }
    if (aside) for (const slot of aside) this.heap.push(slot);
    return found;
  }

  /** Records a dispatch: the host's share grows by the VM, as HostXML::add_capacity does. */
  commit(vm: VmDemand, hostId: number): void {
    const slot = this.slot(hostId);
    slot.cpuUsage += cpuShare(vm);
    slot.memUsageKiB += vm.memoryMiB * 1024;
    slot.dispatched += 1;
    this.dispatches += 1;
    if (!this.options.rerank) return;
    slot.rank += this.step;
    if (slot.heapIndex >= 0) this.heap.update(slot);
  }

  /** Why each host refuses `vm` now, the hosts in `skip` left out (mm_sched logs it per host). */
  refusals(vm: VmDemand, skip?: ReadonlySet<number>): ReadonlyMap<number, HostRefusal> {
    const out = new Map<number, HostRefusal>();
    for (const slot of this.slots) {
      if (skip?.has(slot.id)) continue;
      const refusal = this.check(vm, slot);
      if (refusal) out.set(slot.id, refusal);
    }
    return out;
  }

  /**
   * SCHED_MESSAGE for a VM no host took (see describeRefusals). When the cloud is full every
   * pending VM gets one; a VM asking what the previous one asked, with no dispatch since, is
   * refused by the same hosts for the same reasons, so the text is kept rather than rebuilt.
   */
  refusalMessage(vm: VmDemand, skip?: ReadonlySet<number>): string {
    const cpu = cpuShare(vm);
    const memKiB = vm.memoryMiB * 1024;
    const cached = this.message;
    const reusable = skip === undefined || skip.size === 0;
    if (reusable && cached && cached.cpu === cpu && cached.memKiB === memKiB && cached.dispatches === this.dispatches) {
      return cached.text;
    }
    const text = describeRefusals(this.refusals(vm, skip));
    if (reusable) this.message = { cpu, memKiB, dispatches: this.dispatches, text };
    return text;
  }

  private check(vm: VmDemand, slot: Slot): HostRefusal | undefined {
    if (slot.cpuUsage + cpuShare(vm) > slot.maxCpu) return 'cpu';
    if (slot.memUsageKiB + vm.memoryMiB * 1024 > slot.usableMemKiB) return 'memory';
    if (slot.dispatched >= this.options.maxHost) return 'dispatch-limit';
    return undefined;
  }

  /**
   * Hosts that refused a VM refuse every later VM of the cycle that asks at least as much CPU
   * and memory; a VM asking less gets them back in the heap (not those at their dispatch limit,
   * which refuse anything).
   */
  private forgetRefusals(vm: VmDemand): void {
    const cpu = cpuShare(vm);
    const memKiB = vm.memoryMiB * 1024;
    if (this.refused.length > 0 && (cpu < this.refusedCpu || memKiB < this.refusedMemKiB)) {
      const spent: Slot[] = [];
      for (const slot of this.refused) {
        if (slot.dispatched >= this.options.maxHost) spent.push(slot);
        else this.heap.push(slot);
      }
      this.refused = spent;
    }
    this.refusedCpu = cpu;
    this.refusedMemKiB = memKiB;
  }

  private slot(hostId: number): Slot {
    const slot = this.byId[hostId];
    if (slot === undefined || slot.plan !== this.stamp) throw new Error(`host ${hostId} is not part of this scheduling cycle`);
    return slot;
  }

  private pop(): Slot {
    const slot = this.heap.pop()!;
    return slot;
  }
}

/** SCHED_MESSAGE text for a VM no host took: "[HOST] Not enough CPU on hosts: 0,1 ...". */
export function describeRefusals(refusals: ReadonlyMap<number, HostRefusal>): string {
  if (refusals.size === 0) return '[HOST] No existing hosts';
  const byKind = new Map<HostRefusal, number[]>();
  for (const [hostId, kind] of refusals) {
    const ids = byKind.get(kind);
    if (ids) ids.push(hostId);
    else byKind.set(kind, [hostId]);
  }
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
