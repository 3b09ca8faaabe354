/**
 * The Dispatch Manager and Life-Cycle Manager of oned, for the deploy and terminate paths
 * (LifeCycleActions.cc, DispatchManagerActions.cc): the VM state machine, its history record and its host's capacity, driven by
 * the TM's and VMM's replies. States and failure states follow 7.x, which our documents follow.
 */
import type { Clock } from '../sim/clock.js';
import { HistoryAction } from '../opennebula/documents.js';
import type { MadReply } from '../opennebula/driver.js';
import { LcmState, VmState, vmDisplayState } from '../opennebula/states.js';
import { removeAttribute, setSingle } from '../opennebula/template.js';
import type { HostPool, VmPool } from './pools.js';
import { ctime, epochSeconds, type HostRecord, type VmRecord } from './records.js';
import type { TransferManager } from './transfer-manager.js';
import type { VirtualMachineManager } from './vm-manager.js';
import type { Handoffs } from './handoff.js';
import { SYSTEM_DS_ID, SYSTEM_DS_TM_MAD } from './image-catalog.js';

const FAILURE_STATES: ReadonlySet<number> = new Set([
  LcmState.BOOT_FAILURE,
  LcmState.PROLOG_FAILURE,
  LcmState.EPILOG_FAILURE,
]);

export interface LifecycleDeps {
  clock: Clock;
  vms: VmPool;
  hosts: HostPool;
  tm: TransferManager;
  vmm: VirtualMachineManager;
  /** the hand-offs between components on the deploy path (handoff.ts) */
  handoffs: Handoffs;
  /** a deploy ended: the VM is RUNNING, or in PROLOG_FAILURE / BOOT_FAILURE (7.x's Plan Manager counts it done) */
  onDeploySettled?: (vmId: number) => void;
}

export class Lifecycle {
  /** driver round trips still running, so a caller can tell a quiet head node from a busy one */
  private inFlight = 0;

  constructor(private readonly deps: LifecycleDeps) {}

  get actionsInFlight(): number {
    return this.inFlight;
  }

  /**
   * DispatchManager::deploy: opens a history record on the host, reserves the VM's capacity there
   * and starts the prolog. Returns the reason when the VM is in a state that cannot be deployed.
   */
  deploy(vm: VmRecord, host: HostRecord): string | undefined {
    if (vm.state !== VmState.PENDING && vm.state !== VmState.HOLD) {
      return `Deploy action is not available for state ${vmDisplayState(vm.state, vm.lcmState)}`;
    }
    const now = this.now();
    vm.history.push({
      seq: vm.history.length,
      hostname: host.name,
      hid: host.id,
      cid: host.clusterId,
      stime: now,
      etime: 0,
      vmMad: host.vmmMad,
      tmMad: SYSTEM_DS_TM_MAD,
      dsId: SYSTEM_DS_ID,
      pstime: now,
      petime: 0,
      rstime: 0,
      retime: 0,
      estime: 0,
      eetime: 0,
      action: HistoryAction.NONE,
    });
    vm.userTemplate = removeAttribute(vm.userTemplate, 'SCHED_MESSAGE');
    // the system datastore is chosen now, and with it the TM driver of the VM's directory
    vm.template = setSingle(vm.template, 'TM_MAD_SYSTEM', SYSTEM_DS_TM_MAD);
    this.setState(vm, VmState.ACTIVE, LcmState.PROLOG);
    this.deps.hosts.addCapacity(host, vm);
    this.track(
      this.deps.handoffs.pass('tm', () => this.deps.tm.prolog(vm, host.name)),
      (reply) => this.afterLcm(() => this.prologDone(vm, reply)),
    );
    return undefined;
  }

  /**
   * DispatchManager::terminate: a VM that never ran is simply done; a RUNNING one is shut down
   * (or cancelled, hard) and its disks cleaned by the epilog; one in a failure state is deleted.
   */
  terminate(vm: VmRecord, hard: boolean): string | undefined {
    if (vm.state === VmState.PENDING || vm.state === VmState.HOLD || vm.state === VmState.INIT) {
      this.setState(vm, VmState.DONE, LcmState.LCM_INIT);
      vm.etime = this.now();
      return undefined;
    }
    if (vm.state === VmState.ACTIVE && FAILURE_STATES.has(vm.lcmState)) {
      this.closeHistory(vm, hard ? HistoryAction.TERMINATE_HARD : HistoryAction.TERMINATE);
      this.finish(vm);
      return undefined;
    }
    if (vm.state === VmState.ACTIVE && vm.lcmState === LcmState.RUNNING) {
      const record = vm.history.at(-1)!;
      record.action = hard ? HistoryAction.TERMINATE_HARD : HistoryAction.TERMINATE;
      this.setState(vm, VmState.ACTIVE, LcmState.SHUTDOWN);
      this.track(this.deps.vmm.shutdown(vm, record.hostname, hard), (reply) => this.shutdownDone(vm, reply));
      return undefined;
    }
    return `This action is not available for state ${vmDisplayState(vm.state, vm.lcmState)}`;
  }

  private prologDone(vm: VmRecord, reply: MadReply): void {
    const record = vm.history.at(-1)!;
    const now = this.now();
    record.petime = now;
    if (reply.result === 'FAILURE') {
      this.setError(vm, 'Error executing image transfer script', reply.info);
      this.setState(vm, VmState.ACTIVE, LcmState.PROLOG_FAILURE);
      this.deps.onDeploySettled?.(vm.id);
      return;
    }
    // RSTIME is stamped when BOOT starts, not when the VM reaches RUNNING, as oned does
    record.rstime = now;
    this.setState(vm, VmState.ACTIVE, LcmState.BOOT);
    this.track(
      this.deps.handoffs.pass('vmm', () => this.deps.vmm.deploy(vm, record.hostname)),
      (r) => this.afterLcm(() => this.deployDone(vm, r)),
    );
  }

  private deployDone(vm: VmRecord, reply: MadReply): void {
    const deployId = reply.info.trim().split(/\s+/)[0] ?? '';
    if (reply.result === 'SUCCESS' && deployId !== '' && deployId !== '-') {
      vm.deployId = deployId;
      this.setState(vm, VmState.ACTIVE, LcmState.RUNNING);
      this.deps.onDeploySettled?.(vm.id);
      return;
    }
    if (reply.result === 'SUCCESS') this.setError(vm, 'Empty deploy ID for virtual machine', reply.info, true);
    else this.setError(vm, 'DEPLOY', reply.info, true);
    this.setState(vm, VmState.ACTIVE, LcmState.BOOT_FAILURE);
    this.deps.onDeploySettled?.(vm.id);
  }

  private shutdownDone(vm: VmRecord, reply: MadReply): void {
    const record = vm.history.at(-1)!;
    if (reply.result === 'FAILURE') {
      // 7.x: a failed shutdown leaves the VM running, with the reason
      this.setError(vm, record.action === HistoryAction.TERMINATE_HARD ? 'CANCEL' : 'SHUTDOWN', reply.info, true);
      this.setState(vm, VmState.ACTIVE, LcmState.RUNNING);
      return;
    }
    const now = this.now();
    record.retime = now;
    record.estime = now;
    this.setState(vm, VmState.ACTIVE, LcmState.EPILOG);
    this.track(this.deps.tm.epilog(vm, record.hostname), (r) => this.epilogDone(vm, r));
  }

  private epilogDone(vm: VmRecord, reply: MadReply): void {
    const record = vm.history.at(-1)!;
    record.eetime = this.now();
    if (reply.result === 'FAILURE') {
      this.setError(vm, 'Error executing image transfer script', reply.info);
      this.setState(vm, VmState.ACTIVE, LcmState.EPILOG_FAILURE);
      return;
    }
    record.etime = record.eetime;
    this.finish(vm);
  }

  /** DONE: the record is closed and the host gets its capacity back. */
  private finish(vm: VmRecord): void {
    const record = vm.history.at(-1);
    if (record) {
      if (record.etime === 0) record.etime = this.now();
      const host = this.deps.hosts.get(record.hid);
      if (host) this.deps.hosts.delCapacity(host, vm);
    }
    vm.etime = this.now();
    this.setState(vm, VmState.DONE, LcmState.LCM_INIT);
  }

  private closeHistory(vm: VmRecord, action: number): void {
    const record = vm.history.at(-1);
    if (record) record.action = action;
  }

  private setState(vm: VmRecord, state: number, lcmState: number): void {
    vm.prevState = vm.state;
    vm.prevLcmState = vm.lcmState;
    vm.state = state;
    vm.lcmState = lcmState;
    this.deps.vms.stateChanged(vm);
  }

  /**
   * USER_TEMPLATE/ERROR as oned writes it: "<ctime>: <what>: <driver info>". The TM's reason is
   * only kept when the driver gave one (info not "-"), as TransferManager does; the VMM's always.
   */
  private setError(vm: VmRecord, what: string, info: string, always = false): void {
    const detail = info.trim();
    const hasDetail = detail !== '' && !detail.startsWith('-');
    if (!hasDetail && !always) return;
    const message = hasDetail ? `${what}: ${detail}` : what;
    vm.userTemplate = setSingle(vm.userTemplate, 'ERROR', `${ctime(this.deps.clock.epochMs())}: ${message}`);
  }

  /** A driver's reply on the deploy path is the LCM's to take: `then` runs once it has (counted in flight meanwhile). */
  private afterLcm(then: () => void): void {
    this.inFlight += 1;
    void this.deps.handoffs.pass('lcm', then).then(this.landed, this.crashed);
  }

  private track(action: Promise<MadReply>, then: (reply: MadReply) => void): void {
    this.inFlight += 1;
    void action.then(then).then(this.landed, this.crashed);
  }

  // One pair of callbacks for every action rather than a `finally` each (two closures and two
  // promises more per action, and nothing waits on what it returns).
  private readonly landed = (): void => {
    this.inFlight -= 1;
  };

  /** an action's reply handler threw: out of flight, and the error goes on as `finally` let it */
  private readonly crashed = (error: unknown): never => {
    this.inFlight -= 1;
    throw error;
  };

  private now(): number {
    return epochSeconds(this.deps.clock.epochMs());
  }
}
