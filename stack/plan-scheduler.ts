/**
 * The 7.x scheduler (oned.conf "Scheduler", schedulers/rank.conf; docs/architecture.md, "Against
 * a real OpenNebula"): oned's Scheduler Manager keeps a placement window that opens when a VM
 * becomes pending, and asks the scheduler driver (rank) for a plan once the window has been open
 * SCHED_MAX_WND_TIME seconds or SCHED_MAX_WND_LENGTH VMs have become pending in it. The plan places
 * at most rank.conf's MAX_HOST VMs per host. oned's Plan Manager then starts the plan's deploys
 * while fewer than MAX_ACTIONS_PER_HOST run on that host and fewer than MAX_ACTIONS_PER_CLUSTER in
 * all; a deploy runs until the VM is RUNNING (or failed), and each one that ends starts the next.
 * One plan applies at a time. When it has ended, the next is asked for at once if VMs still wait
 * and no window is open; an open window (VMs became pending since the last request) waits for its
 * time, as oned's place_finished() leaves it to the window. VMs that fit no host wait
 * SCHED_RETRY_TIME. A plan takes its time to arrive (plan-turnaround.ts).
 *
 * oned also sends placement requests while a plan applies, and refuses their plans ("Cannot add
 * plan. A placement plan is already in progress."); their VMs wait for the plan's end, as here,
 * where no request is made while a plan applies. The window is looked at every second here (oned
 * also looks when a VM becomes pending), so a plan may start up to a second later than oned's.
 */
import { CycleLoop } from './cycle-loop.js';
import type { Clock } from '../sim/clock.js';
import { CyclePlan, PlanSlots } from './placement.js';
import { planTurnaroundMs, type TurnaroundKnobs } from './plan-turnaround.js';
import type { CycleResult, SchedulerKnobs, SchedulerSource } from './scheduler.js';

export interface PlanKnobs extends Partial<TurnaroundKnobs> {
  SCHED_MAX_WND_TIME: number;
  SCHED_MAX_WND_LENGTH: number;
  SCHED_RETRY_TIME: number;
  MAX_ACTIONS_PER_HOST: number;
  MAX_ACTIONS_PER_CLUSTER: number;
}

/** How often the window is looked at, emulated ms. */
const LOOK_MS = 1000;

interface Action {
  vmId: number;
  hostId: number;
  state: 'waiting' | 'running' | 'done';
}

export class PlanScheduler extends CycleLoop {
  private plan: Action[] | undefined;
  private windowOpenedAt: number | undefined;
  /** VMs that became pending in the open window */
  private windowLength = 0;
  /** every VM seen pending, so that each counts once in a window */
  private readonly seen = new Set<number>();
  private readonly retryAt = new Map<number, number>();
  private readonly running = new Map<number, Action>();
  private readonly perHost = new Map<number, number>();
  /** the host slots every plan fills again (placement.ts) */
  private readonly slots = new PlanSlots();
  /** when the last plan was asked for: oned asks again SCHED_RETRY_TIME later while VMs wait */
  private lastPlace: number | undefined;
  private busy = false;
  private again = false;

  constructor(
    private readonly clock: Clock,
    private readonly source: SchedulerSource,
    private readonly knobs: SchedulerKnobs,
    private readonly plans: PlanKnobs,
    private readonly onCycle?: (result: CycleResult) => void,
  ) {
    super();
  }

  /** The VM's deploy ended (RUNNING, or a failure state): its action frees its host's slot. */
  settled(vmId: number): void {
    const action = this.running.get(vmId);
    if (!action) return;
    this.running.delete(vmId);
    action.state = 'done';
    this.perHost.set(action.hostId, (this.perHost.get(action.hostId) ?? 1) - 1);
    void this.step();
  }

  protected async loop(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.clock.sleep(LOOK_MS, signal);
      } catch {
        return;
      }
      await this.step(true);
    }
  }

  /** Runs the plan, or asks for the next; steps asked for while one runs happen after it. */
  private async step(look = false): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        if (this.plan) await this.execute();
        // a plan that ended asks for the next at once (oned triggers placement as its last deploy ends)
        let ended = false;
        if (this.plan?.every((a) => a.state === 'done')) {
          this.plan = undefined;
          ended = true;
        }
        if (!this.plan) await this.place(ended);
        // oned opens the window when a VM becomes pending, plan or no plan
        else if (look) this.count((await this.source.load(0)).vms);
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async place(planEnded: boolean): Promise<void> {
    const now = this.clock.now();
    const { vms, hosts } = await this.source.load(0);
    this.count(vms);
    const waiting = vms.filter((vm) => (this.retryAt.get(vm.id) ?? 0) <= now);
    if (waiting.length === 0) return;
    const windowFull =
      this.windowOpenedAt !== undefined &&
      (now - this.windowOpenedAt >= this.plans.SCHED_MAX_WND_TIME * 1000 || this.windowLength >= this.plans.SCHED_MAX_WND_LENGTH);
    const open = windowFull || (planEnded && this.windowOpenedAt === undefined) || this.retryDue(now);
    if (!open) return;
    this.windowOpenedAt = undefined;
    this.windowLength = 0;
    this.lastPlace = now;
    this.cycles += 1;
    const cycle = new CyclePlan(hosts, {
      policy: this.knobs.POLICY,
      maxHost: this.knobs.MAX_HOST,
      hypervisorMem: this.knobs.HYPERVISOR_MEM,
      rerank: this.knobs.RERANK_PER_DISPATCH,
    }, this.slots);
    const plan: Action[] = [];
    const left: number[] = [];
    for (const vm of waiting) {
      const hostId = cycle.bestFit(vm);
      if (hostId === undefined) {
        left.push(vm.id);
        continue;
      }
      cycle.commit(vm, hostId);
      plan.push({ vmId: vm.id, hostId, state: 'waiting' });
    }
    // VMs the plan left out wait for the next plan; when it placed none, they fit nowhere: retry later
    if (plan.length === 0) {
      for (const id of left) {
        this.retryAt.set(id, now + this.plans.SCHED_RETRY_TIME * 1000);
        this.source.setSchedMessage(id, cycle.refusalMessage(waiting.find((v) => v.id === id)!));
      }
    }
    const turnaround = planTurnaroundMs(this.plans, left.length);
    if (turnaround > 0) {
      try {
        await this.clock.sleep(turnaround, this.abort?.signal);
      } catch {
        return;
      }
    }
    this.onCycle?.({ at: now, considered: waiting.length, dispatched: plan.map(({ vmId, hostId }) => ({ vmId, hostId })), unplaced: plan.length === 0 ? left : [] });
    if (plan.length > 0) {
      this.plan = plan;
      await this.execute();
    }
  }

  /** VMs pending for the first time open the window, or lengthen it. */
  private count(vms: ReadonlyArray<{ id: number }>): void {
    for (const vm of vms) {
      if (this.seen.has(vm.id)) continue;
      this.seen.add(vm.id);
      this.windowOpenedAt ??= this.clock.now();
      this.windowLength += 1;
    }
  }

  private retryDue(now: number): boolean {
    return this.lastPlace !== undefined && now - this.lastPlace >= this.plans.SCHED_RETRY_TIME * 1000;
  }

  /** Starts the plan's deploys that the in-flight limits let through. */
  private async execute(): Promise<void> {
    for (const action of this.plan ?? []) {
      if (action.state !== 'waiting') continue;
      if (this.running.size >= this.plans.MAX_ACTIONS_PER_CLUSTER) return;
      if ((this.perHost.get(action.hostId) ?? 0) >= this.plans.MAX_ACTIONS_PER_HOST) continue;
      action.state = 'running';
      this.running.set(action.vmId, action);
      this.perHost.set(action.hostId, (this.perHost.get(action.hostId) ?? 0) + 1);
      const [ok] = await this.source.deploy(action.vmId, action.hostId);
      if (!ok && this.running.get(action.vmId) === action) {
        this.running.delete(action.vmId);
        action.state = 'done';
        this.perHost.set(action.hostId, (this.perHost.get(action.hostId) ?? 1) - 1);
      }
    }
  }
}
