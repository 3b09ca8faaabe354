/**
 * The 7.x scheduler (oned.conf "Scheduler", schedulers/rank.conf; docs/architecture.md, "Against
 * a real OpenNebula"): oned's Scheduler Manager keeps a placement window that opens when a VM
 * becomes pending, and asks the scheduler driver (rank) for a plan once the window has been open
 * SCHED_MAX_WND_TIME seconds or holds more than SCHED_MAX_WND_LENGTH VMs. The plan places at most
 * rank.conf's MAX_HOST VMs per host. oned's Plan Manager then starts the plan's deploys while
 * fewer than MAX_ACTIONS_PER_HOST run on that host and fewer than MAX_ACTIONS_PER_CLUSTER in all;
 * a deploy runs until the VM is RUNNING (or failed), and each one that ends starts the next. One
 * plan applies at a time: the next is asked for when this one has ended, at once if VMs are still
 * waiting (their window has long been open). VMs that fit no host wait SCHED_RETRY_TIME.
 *
 * Seen on oned 7.5.80 (its log, 32 VMs on 8 hosts): plans of one VM per host, each asked for
 * within a second of the previous plan's end; once, that request came while the ended plan was
 * still marked in progress ("Cannot add plan") and the VMs waited for the next window, 10 s.
 * That race is not modelled. The window is looked at every second here (oned also looks
 * when a VM becomes pending), so the first plan may start up to a second later than oned's.
 */
import type { Clock } from '../sim/clock.js';
import { CyclePlan } from './placement.js';
import type { CycleResult, SchedulerKnobs, SchedulerSource } from './scheduler.js';

export interface PlanKnobs {
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

export class PlanScheduler {
  private abort: AbortController | undefined;
  private plan: Action[] | undefined;
  private windowOpenedAt: number | undefined;
  private readonly retryAt = new Map<number, number>();
  private readonly running = new Map<number, Action>();
  private readonly perHost = new Map<number, number>();
  private busy = false;
  private again = false;
  private cycles = 0;

  constructor(
    private readonly clock: Clock,
    private readonly source: SchedulerSource,
    private readonly knobs: SchedulerKnobs,
    private readonly plans: PlanKnobs,
    private readonly onCycle?: (result: CycleResult) => void,
  ) {}

  get cyclesRun(): number {
    return this.cycles;
  }

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    void this.loop(this.abort.signal);
  }

  stop(): void {
    this.abort?.abort(new Error('scheduler stopped'));
    this.abort = undefined;
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

  private async loop(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.clock.sleep(LOOK_MS, signal);
      } catch {
        return;
      }
      await this.step();
    }
  }

  /** Runs the plan, or asks for the next; steps asked for while one runs happen after it. */
  private async step(): Promise<void> {
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
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async place(planEnded: boolean): Promise<void> {
    const now = this.clock.now();
    const { vms, hosts } = await this.source.load(0);
    const waiting = vms.filter((vm) => (this.retryAt.get(vm.id) ?? 0) <= now);
    if (waiting.length === 0) {
      this.windowOpenedAt = undefined;
      return;
    }
    this.windowOpenedAt ??= now;
    const open = planEnded || now - this.windowOpenedAt >= this.plans.SCHED_MAX_WND_TIME * 1000 || waiting.length > this.plans.SCHED_MAX_WND_LENGTH;
    if (!open) return;
    this.cycles += 1;
    const cycle = new CyclePlan(hosts, {
      policy: this.knobs.POLICY,
      maxHost: this.knobs.MAX_HOST,
      hypervisorMem: this.knobs.HYPERVISOR_MEM,
      rerank: this.knobs.RERANK_PER_DISPATCH,
    });
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
    this.windowOpenedAt = undefined;
    this.onCycle?.({ at: now, considered: waiting.length, dispatched: plan.map(({ vmId, hostId }) => ({ vmId, hostId })), unplaced: plan.length === 0 ? left : [] });
    if (plan.length > 0) {
      this.plan = plan;
      await this.execute();
    }
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
