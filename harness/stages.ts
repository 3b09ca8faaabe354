import { Sample } from './stats.js';
import type { TraceEvent } from './trace-event.js';

/**
 * Stage boundaries (docs/architecture.md, "Stages, and where each boundary is observed"), each observed outside the stack so the same trace
 * works against a real OpenNebula:
 *
 *   START    the harness sends the allocate (its intended submit time)
 *   PENDING  the stack answers the allocate
 *   PROLOG   the TM driver receives the VM's prolog TRANSFER
 *   BOOT     the VMM driver receives DEPLOY
 *   RUNNING  the VMM driver answers DEPLOY SUCCESS
 *   NET-MSG  the guest's message reaches the collector
 *
 * Retries. A VM may be placed more than once: a failed TRANSFER or DEPLOY followed by a new
 * placement opens a second history record (SEQ 1), and `recover --retry` can send DEPLOY again.
 * The rule: the stages describe the attempt that got the VM running. A prolog TRANSFER starts a
 * new attempt (PROLOG is set, BOOT and RUNNING are cleared); a DEPLOY sets BOOT to the latest
 * DEPLOY; the first DEPLOY SUCCESS sets RUNNING and closes the deploy, after which prolog and
 * deploy actions (migrations, resumes) no longer move any boundary. Time lost in failed attempts
 * therefore lands in PENDING-PROLOG, where the VM waited to be placed again, and BOOT-RUNNING is
 * always the duration of one real deploy.
 *
 * Who counts. A stage is measured for every VM that crossed both of its boundaries, whether or
 * not the VM came up in the end: a VM whose DEPLOY failed still had a real PENDING-PROLOG. Each
 * stage's `count` says how many VMs that is; `total` (START to NET-MSG) counts the VMs that came
 * up, and those the run cut off (below).
 *
 * Cut off. A VM the run cut off (deadline or interruption) while it was in a stage counts in that
 * stage and in `total` with the time it had spent there by the end of the run, marked censored:
 * a lower bound of its duration (harness/stats.ts). Which stage it was in is the accounting's
 * call (harness/accounting.ts): the one that starts at the last boundary seen.
 *
 * Order. A boundary observed before the previous one is taken as at the previous one: a client
 * can learn of its VM after the stack has already placed it (a multicall answers everything at
 * once), and a stage is never negative. So when all six boundaries are seen, the five stages add
 * up exactly to `total`.
 */
export const BOUNDARIES = ['START', 'PENDING', 'PROLOG', 'BOOT', 'RUNNING', 'NET-MSG'] as const;
export type Boundary = (typeof BOUNDARIES)[number];

export const STAGES = ['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total'] as const;
export type StageName = (typeof STAGES)[number];

const START = 0;
const PENDING = 1;
const PROLOG = 2;
const BOOT = 3;
const RUNNING = 4;
const NET_MSG = 5;

/** The boundary position of each boundary a `polled` event names. */
const POLLED_AT: Readonly<Record<string, number>> = { PROLOG, BOOT, RUNNING, 'NET-MSG': NET_MSG };

/** [from, to] boundary positions of each stage, in STAGES order. */
const STAGE_ENDS: ReadonlyArray<readonly [number, number]> = [
  [START, PENDING],
  [PENDING, PROLOG],
  [PROLOG, BOOT],
  [BOOT, RUNNING],
  [RUNNING, NET_MSG],
  [START, NET_MSG],
];

export function isStageName(name: string): name is StageName {
  return (STAGES as readonly string[]).includes(name);
}

/**
 * Each VM's six boundary times, one Float64Array per boundary indexed by the VM's position in the
 * burst (NaN: not observed): 48 bytes per VM, 4.8 MB for 100,000 VMs.
 */
export class BoundaryTable {
  private readonly at: Float64Array[];

  constructor(readonly size: number) {
    this.at = BOUNDARIES.map(() => new Float64Array(size).fill(Number.NaN));
  }

  /** Emulated ms at which VM `index` crossed `boundary`, or NaN. */
  time(index: number, boundary: Boundary): number {
    return this.at[BOUNDARIES.indexOf(boundary)]![index]!;
  }

  /** Applies one event of VM `index` under the rule above. */
  observe(index: number, e: TraceEvent): void {
    const at = this.at;
    const running = !Number.isNaN(at[RUNNING]![index]!);
    switch (e.type) {
      case 'submit':
        setOnce(at[START]!, index, e.t);
        break;
      case 'answer':
        if (e.result !== 'FAILURE') setOnce(at[PENDING]!, index, e.t);
        break;
      case 'tm.start':
        if (e.action === 'prolog' && !running) {
          at[PROLOG]![index] = e.t;
          at[BOOT]![index] = Number.NaN;
        }
        break;
      case 'vmm.start':
        if (e.action === 'DEPLOY' && !running) at[BOOT]![index] = e.t;
        break;
      case 'vmm.end':
        if (e.action === 'DEPLOY' && e.result === 'SUCCESS' && !running) at[RUNNING]![index] = e.t;
        break;
      case 'net-msg':
        setOnce(at[NET_MSG]!, index, e.t);
        break;
      case 'polled': {
        // stages from polling (harness/polled-stages.ts): each boundary once, at the poll that showed it
        const boundary = e.action === undefined ? undefined : POLLED_AT[e.action];
        if (boundary !== undefined) setOnce(at[boundary]!, index, e.t);
        break;
      }
      default:
        break;
    }
  }

  /** Durations in emulated ms of every VM that has both ends of the stage (but those in `skip`), in burst order. */
  durations(stage: StageName, skip?: ReadonlySet<number>): Float64Array {
    const out = new Float64Array(this.size);
    let n = 0;
    this.forEachInterval(stage, (from, to, i) => {
      if (skip?.has(i)) return;
      out[n] = to - from;
      n += 1;
    });
    return out.slice(0, n);
  }

  /** Calls `fn` with the [from, to] emulated ms of every VM that has both ends of the stage, in burst order. */
  forEachInterval(stage: StageName, fn: (fromMs: number, toMs: number, index: number) => void): void {
    const [from, to] = STAGE_ENDS[STAGES.indexOf(stage)]!;
    for (let i = 0; i < this.size; i += 1) {
      if (Number.isNaN(this.at[from]![i]!) || Number.isNaN(this.at[to]![i]!)) continue;
      fn(this.effective(i, from), this.effective(i, to), i);
    }
  }

  /**
   * Every stage's sample. With `cutOff`, each listed VM counts in its stage and in `total` as
   * censored at `atMs` (emulated ms, the end of the run): the time since it entered the stage,
   * in place of any duration an abandoned attempt left there (a VM waiting to be placed again
   * after a failed DEPLOY is in PENDING-PROLOG, whose PROLOG will move). A VM that never
   * entered the stage (never submitted) counts in neither.
   */
  samples(cutOff?: { atMs: number; vms: ReadonlyArray<{ index: number; stage: StageName }> }): Record<StageName, Sample> {
    const out = {} as Record<StageName, Sample>;
    for (const stage of STAGES) {
      const skip = new Set<number>();
      const censored: number[] = [];
      for (const vm of cutOff?.vms ?? []) {
        if (vm.stage !== stage && stage !== 'total') continue;
        const from = STAGE_ENDS[STAGES.indexOf(stage)]![0];
        if (Number.isNaN(this.at[from]![vm.index]!)) continue;
        skip.add(vm.index);
        censored.push(Math.max(0, cutOff!.atMs - this.effective(vm.index, from)));
      }
      out[stage] = Sample.fromMs(this.durations(stage, skip), censored);
    }
    return out;
  }

  /** The boundary's time raised to the latest earlier boundary seen, so stages are never negative. */
  private effective(i: number, boundary: number): number {
    let t = Number.NEGATIVE_INFINITY;
    for (let b = 0; b <= boundary; b += 1) {
      const v = this.at[b]![i]!;
      if (!Number.isNaN(v) && v > t) t = v;
    }
    return t;
  }
}

function setOnce(column: Float64Array, index: number, t: number): void {
  if (Number.isNaN(column[index]!)) column[index] = t;
}
