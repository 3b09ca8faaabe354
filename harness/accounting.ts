import { LcmState, VmState, vmDisplayState } from '../opennebula/states.js';
import type { VmCounts } from './budgets.js';
import type { PolledVm } from './poll.js';
import { STAGES, type StageName } from './stages.js';
import { Phase, stageOfPhase, type FailureNote } from './trace.js';

/** What accounting needs of the trace; the Tracer provides it. */
export interface TimelineView {
  readonly requested: number;
  vmIdOf(index: number): number | undefined;
  phaseOf(index: number): Phase;
  failureOf(index: number): FailureNote | undefined;
  /** the host the VM's last driver action or guest event named */
  hostOfVm(index: number): string | undefined;
}

/** How the run ended for the VMs still on their way, and what the harness knows of their fit. */
export interface CutOff {
  /** null: the deadline; else the signal that interrupted the run */
  interruptedBy: string | null;
  /** why the scenario's VM fits no host at all, e.g. "needs 32768 MiB of memory, the largest host has 24576 MiB" */
  fitsNoHost?: string | undefined;
}

/** A VM that did not come up: failed with its reason, or timed out in its last state. */
export interface VmFailure {
  /** position in the burst */
  index: number;
  /** null when the stack never gave it an id */
  vmId: number | null;
  outcome: 'failed' | 'timedOut';
  reason: string;
  /** the host it was last placed on (the trace's, else the stack's); null when it never was */
  host: string | null;
  /** the stage it was in */
  stage: StageName;
  /** its last state: the stack's, when polled, else as traced */
  state: string;
}

export interface Accounting {
  vms: VmCounts;
  /** in burst order */
  failures: VmFailure[];
  /**
   * The stack's state checked against the trace: VMs whose guest is up (NET-MSG) but which the
   * stack does not show RUNNING. A stack that never marks VMs RUNNING shows up here.
   */
  crossCheck: { polled: number; upButNotRunning: number; examples: Array<{ vmId: number; state: string }> };
}

export class AccountingInvariantError extends Error {
  override readonly name = 'AccountingInvariantError';
}

/** LCM states in which OpenNebula (4.4 or 7.x) has given up on the deploy until someone acts. */
const FAILED_LCM: ReadonlySet<number> = new Set([
  LcmState.FAILURE, LcmState.BOOT_FAILURE, 37, 38, LcmState.PROLOG_FAILURE, LcmState.EPILOG_FAILURE, 41, 42, 44, 46, 47, 48, 49, 50, 61,
]);

const EXAMPLES = 20;

/**
 * Every requested VM ends as exactly one of: up (its NET-MSG was seen), failed (with the
 * driver's message or the allocate error), or timed out (with its last state). The order of
 * judgement, per VM:
 *
 * 1. NET-MSG seen: up, whatever happened before or after.
 * 2. The allocate failed: failed, with the stack's answer.
 * 3. Polled, and the stack has given up on it (FAILED, DONE, CLONING_FAILURE, a *_FAILURE LCM
 *    state): failed, with the trace's last failure, else the stack's ERROR, else its state.
 * 4. Polled, in any other state: timed out, in that state, still on its way.
 * 5. Not polled (no id, poll failed, or missing from the pool): failed if the trace's last word
 *    is a failure, else timed out in its traced phase.
 *
 * A timed-out VM's stage is the one that starts at the last boundary the harness or a driver
 * saw (harness/stages.ts), never the stack's word: the stack's polled state cross-checks it, and
 * a stack ahead of its drivers (BOOT, but no DEPLOY reached a driver) is named in the reason. A VM
 * whose last attempt failed and that the stack has not given up on waits to be placed again:
 * PENDING-PROLOG. Its reason says how the run ended (the deadline, or the signal that interrupted
 * it) and, for a VM never placed, why: the VM fits no host, or the scheduler's SCHED_MESSAGE.
 *
 * The three counts add up to the number requested: checked here, always.
 */
export function account(
  view: TimelineView,
  polled: ReadonlyMap<number, PolledVm> = new Map(),
  cutOff: CutOff = { interruptedBy: null },
): Accounting {
  const ended = cutOff.interruptedBy === null ? 'no NET-MSG by the deadline' : `cut off by the interruption (${cutOff.interruptedBy})`;
  const vms: VmCounts = { requested: view.requested, up: 0, failed: 0, timedOut: 0 };
  const failures: VmFailure[] = [];
  const crossCheck: Accounting['crossCheck'] = { polled: 0, upButNotRunning: 0, examples: [] };

  for (let index = 0; index < view.requested; index += 1) {
    const phase = view.phaseOf(index);
    const id = view.vmIdOf(index);
    const vmId = id ?? null;
    const polledVm = id === undefined ? undefined : polled.get(id);
    if (polledVm) crossCheck.polled += 1;
    const note = view.failureOf(index);
    const host = view.hostOfVm(index) ?? polledVm?.host ?? null;
    const failed = (reason: string, stage: StageName, state: string): void => {
      vms.failed += 1;
      failures.push({ index, vmId, outcome: 'failed', reason, stage, host, state });
    };
    const timedOut = (state: string): void => {
      vms.timedOut += 1;
      const stage = phase === Phase.FAILED ? 'PENDING-PROLOG' : stageOfPhase(phase);
      const reason = [ended + unplaced(stage, host, polledVm, cutOff.fitsNoHost)];
      const ahead = polledVm && stageOfPolled(polledVm);
      if (ahead && STAGES.indexOf(ahead) > STAGES.indexOf(stage)) reason.push(`the stack shows ${state} but ${MISSING[stage]}`);
      if (note) reason.push(`last failure: ${note.reason}`);
      failures.push({ index, vmId, outcome: 'timedOut', reason: reason.join('; '), stage, host, state });
    };

    if (phase === Phase.UP) {
      vms.up += 1;
      if (polledVm && !(polledVm.state === VmState.ACTIVE && polledVm.lcmState === LcmState.RUNNING)) {
        crossCheck.upButNotRunning += 1;
        if (crossCheck.examples.length < EXAMPLES) crossCheck.examples.push({ vmId: polledVm.id, state: stateName(polledVm) });
      }
    } else if (id === undefined && phase === Phase.FAILED) {
      failed(note?.reason ?? 'the allocate failed', 'START-PENDING', 'not created');
    } else if (polledVm && hasGivenUp(polledVm)) {
      const reason = note?.reason ?? polledVm.error ?? `the stack reports ${stateName(polledVm)}`;
      failed(reason, note?.stage ?? stageOfPhase(phase), stateName(polledVm));
    } else if (polledVm) {
      timedOut(stateName(polledVm));
    } else if (phase === Phase.FAILED && note) {
      failed(note.reason, note.stage, `${tracedFailureState(note.stage)} (as traced)`);
    } else {
      timedOut(tracedState(phase));
    }
  }

  const sum = vms.up + vms.failed + vms.timedOut;
  if (sum !== vms.requested || failures.length !== vms.failed + vms.timedOut) {
    throw new AccountingInvariantError(
      `accounting lost VMs: ${vms.requested} requested but ${vms.up} up + ${vms.failed} failed + ${vms.timedOut} timed out = ${sum}` +
        ` with ${failures.length} failure records`,
    );
  }
  return { vms, failures, crossCheck };
}

/** What a stack ahead of the trace claims that no driver (or the collector) saw. */
const MISSING: Record<StageName, string> = {
  'START-PENDING': 'the allocate was never answered',
  'PENDING-PROLOG': 'no prolog TRANSFER reached a TM driver',
  'PROLOG-BOOT': 'no DEPLOY reached a VMM driver',
  'BOOT-RUNNING': 'no VMM driver answered DEPLOY SUCCESS',
  'RUNNING-NET-MSG': 'no NET-MSG reached the collector',
  total: 'no NET-MSG reached the collector',
};

/** OpenNebula's SCHED_MESSAGE starts with a ctime() stamp; without it, equal reasons group. */
const CTIME = /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: /;

/** Why a VM waiting for its first placement was never placed, when the harness or the stack can say. */
function unplaced(stage: StageName, host: string | null, vm: PolledVm | undefined, fitsNoHost: string | undefined): string {
  if (stage !== 'PENDING-PROLOG' || host !== null) return '';
  if (fitsNoHost) return `: the VM fits no host (${fitsNoHost})`;
  if (vm?.schedMessage) return `: never placed; the scheduler says "${vm.schedMessage.replace(CTIME, '')}"`;
  return '';
}

function hasGivenUp(vm: PolledVm): boolean {
  if (vm.state === VmState.FAILED || vm.state === VmState.DONE || vm.state === VmState.CLONING_FAILURE) return true;
  return vm.state === VmState.ACTIVE && FAILED_LCM.has(vm.lcmState);
}

/** The stage a VM in the stack's state is living through, for the states of the deploy path. */
function stageOfPolled(vm: PolledVm): StageName | undefined {
  if (vm.state === VmState.PENDING || vm.state === VmState.HOLD) return 'PENDING-PROLOG';
  if (vm.state !== VmState.ACTIVE) return undefined;
  if (vm.lcmState === LcmState.PROLOG) return 'PROLOG-BOOT';
  if (vm.lcmState === LcmState.BOOT) return 'BOOT-RUNNING';
  if (vm.lcmState === LcmState.RUNNING) return 'RUNNING-NET-MSG';
  return undefined;
}

function stateName(vm: PolledVm): string {
  return vmDisplayState(vm.state, vm.lcmState);
}

/** The failure state OpenNebula 7 would show for a failure in `stage`. */
function tracedFailureState(stage: StageName): string {
  if (stage === 'PROLOG-BOOT') return 'PROLOG_FAILURE';
  if (stage === 'BOOT-RUNNING') return 'BOOT_FAILURE';
  return 'FAILED';
}

function tracedState(phase: Phase): string {
  switch (phase) {
    case Phase.WAITING:
      return 'not submitted';
    case Phase.SUBMITTED:
      return 'allocate unanswered';
    case Phase.PENDING:
      return 'PENDING (as traced)';
    case Phase.PROLOG:
      return 'PROLOG (as traced)';
    case Phase.BOOT:
      return 'BOOT (as traced)';
    case Phase.FAILED:
      return 'FAILED (as traced)';
    default:
      return 'RUNNING (as traced)';
  }
}
