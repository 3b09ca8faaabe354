/**
 * The scheduler, as 4.4's mm_sched ran beside oned (sched.conf, SchedulerTemplate.cc): every SCHED_INTERVAL it loads
 * up to MAX_VM pending VMs and the monitored hosts, ranks the hosts by the policy, and dispatches
 * VMs oldest first by calling one.vm.deploy through the API, stopping at MAX_DISPATCH per cycle
 * and MAX_HOST per host. A VM no host takes stays PENDING with a SCHED_MESSAGE saying why.
 */
import { CycleLoop } from './cycle-loop.js';
import type { Clock } from '../sim/clock.js';
import type { ApiResult } from '../opennebula/errors.js';
import { CyclePlan, PlanSlots, type HostShare, type PlacementPolicy, type VmDemand } from './placement.js';

export interface SchedulerKnobs {
  SCHED_INTERVAL: number;
  MAX_VM: number;
  MAX_DISPATCH: number;
  MAX_HOST: number;
  HYPERVISOR_MEM: number;
  POLICY: PlacementPolicy;
  RERANK_PER_DISPATCH: boolean;
}

/** What the scheduler reads and calls: oned's pools and API, as mm_sched reached them over XML-RPC. */
export interface SchedulerSource {
  /** Pending VMs (oldest first, at most `maxVm`, 0 = all) and the hosts in MONITORED state. */
  load(maxVm: number): Promise<{ vms: VmDemand[]; hosts: HostShare[] }>;
  /** one.vm.deploy(vm, host, enforce = false, ds = 0) */
  deploy(vmId: number, hostId: number): Promise<ApiResult>;
  /** USER_TEMPLATE/SCHED_MESSAGE of a VM that could not be placed (mm_sched's one.vm.update). */
  setSchedMessage(vmId: number, message: string): void;
}

export interface CycleResult {
  /** emulated ms when the cycle started */
  at: number;
  considered: number;
  dispatched: Array<{ vmId: number; hostId: number }>;
  /** VMs that were tried and fit nowhere */
  unplaced: number[];
}

export interface SchedulerOptions {
  /** `sched-ignores-max-host`: one VM per host per cycle whatever MAX_HOST says */
  oneVmPerHost: boolean;
  /** called after each cycle, as mm_sched logs its dispatch table */
  onCycle?: (result: CycleResult) => void;
}

export class Scheduler extends CycleLoop {
  /** the host slots every cycle's plan fills again (placement.ts) */
  private readonly slots = new PlanSlots();

  constructor(
    private readonly clock: Clock,
    private readonly source: SchedulerSource,
    private readonly knobs: SchedulerKnobs,
    private readonly options: SchedulerOptions,
  ) {
    super();
  }

  /**
   * mm_sched's ActionManager re-arms its timer once the timer action has returned (it sets the
   * next timeout to now + SCHED_INTERVAL after the action), so a cycle starts SCHED_INTERVAL after
   * the previous one ended: every pool read and every synchronous one.vm.deploy of a cycle
   * lengthens the period.
   */
  protected async loop(signal: AbortSignal): Promise<void> {
    const interval = this.knobs.SCHED_INTERVAL * 1000;
    for (;;) {
      try {
        await this.clock.sleep(interval, signal);
      } catch {
        return;
      }
      await this.cycle();
      if (signal.aborted) return;
    }
  }

  async cycle(): Promise<CycleResult> {
    const at = this.clock.now();
    this.cycles += 1;
    const { vms, hosts } = await this.source.load(this.knobs.MAX_VM);
    const result: CycleResult = { at, considered: vms.length, dispatched: [], unplaced: [] };
    // most cycles of a long run find nothing pending: no plan to build over the host farm then
    const plan =
      vms.length === 0
        ? undefined
        : new CyclePlan(hosts, {
            policy: this.knobs.POLICY,
            maxHost: this.options.oneVmPerHost ? 1 : this.knobs.MAX_HOST,
            hypervisorMem: this.knobs.HYPERVISOR_MEM,
            rerank: this.knobs.RERANK_PER_DISPATCH,
          }, this.slots);
    const limit = this.knobs.MAX_DISPATCH;
    for (const vm of vms) {
      if (!plan || (limit > 0 && result.dispatched.length >= limit)) break;
      // hosts whose deploy of this VM the head node refused (the VM changed state meanwhile)
      let refusedDeploy: Set<number> | undefined;
      let placed = false;
      for (let hostId = plan.bestFit(vm); hostId !== undefined; hostId = plan.bestFit(vm, refusedDeploy)) {
        const [ok] = await this.source.deploy(vm.id, hostId);
        // a deploy the head node refused tries the next host in rank order
        if (!ok) {
          (refusedDeploy ??= new Set()).add(hostId);
          continue;
        }
        plan.commit(vm, hostId);
        result.dispatched.push({ vmId: vm.id, hostId });
        placed = true;
        break;
      }
      if (!placed) {
        result.unplaced.push(vm.id);
        this.source.setSchedMessage(vm.id, plan.refusalMessage(vm, refusedDeploy));
      }
    }
    this.options.onCycle?.(result);
    return result;
  }
}
