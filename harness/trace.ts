import { BoundaryTable, type StageName } from './stages.js';
import type { TraceEvent } from './trace-event.js';
import type { TraceSink } from './trace-sink.js';

/** Where a VM is in its deploy, as the trace has seen it so far. */
export const Phase = {
  /** not sent yet */
  WAITING: 0,
  /** allocate sent, not answered */
  SUBMITTED: 1,
  PENDING: 2,
  PROLOG: 3,
  BOOT: 4,
  /** DEPLOY SUCCESS, no NET-MSG yet */
  RUNNING: 5,
  /** NET-MSG seen: final */
  UP: 6,
  /** the allocate, the last driver action, or the VM's host failed; a retry can move it on */
  FAILED: 7,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export const PHASE_NAMES = ['waiting', 'submitted', 'pending', 'prolog', 'boot', 'running', 'up', 'failed'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** The last thing that went wrong for a VM, as its trace tells it. */
export interface FailureNote {
  reason: string;
  /** the stage the VM was in when it failed */
  stage: StageName;
}

/** How many VMs are in each phase, at emulated time `t` (ms). Cheap: eight numbers. */
export interface ProgressSnapshot {
  t: number;
  requested: number;
  counts: Record<PhaseName, number>;
}

export interface TracerOptions {
  /** how many VMs the burst requests: the size of every per-VM table */
  vms: number;
  /** where every event is appended as it happens; none keeps only the timelines */
  sink?: TraceSink;
  /** emulated ms between two durability flushes of the sink */
  flushEveryMs?: number;
  /** each gets every event the timelines see, as it happens (the detectors, harness/detect/) */
  subscribers?: ReadonlyArray<(e: TraceEvent) => void>;
}

/**
 * Takes every event of a run, appends it to the trace, and keeps per-VM timelines compactly: the
 * six stage boundaries (BoundaryTable), the VM's id, host and phase in typed arrays indexed by
 * the VM's position in the burst, and failure notes only for VMs that failed. About 70 bytes per
 * VM plus the id map: 100,000 VMs fit in well under 20 MB, whatever the number of events.
 *
 * Driver events name VMs by id; the harness learns an id when the allocate is answered. An event
 * for an id not (yet) known is kept aside and applied once the answer maps it; ids never mapped
 * are VMs that are not ours, and stay in the trace file only.
 */
export class Tracer {
  readonly requested: number;
  readonly boundaries: BoundaryTable;
  private readonly sink: TraceSink | undefined;
  private readonly flushEveryMs: number;
  private readonly subscribers: ReadonlyArray<(e: TraceEvent) => void>;
  private lastFlush = 0;
  private latest = 0;
  private readonly vmIds: Int32Array;
  private readonly phases: Uint8Array;
  private readonly hostOf: Int32Array;
  private readonly hostNames: string[] = [];
  private readonly hostIndex = new Map<string, number>();
  private readonly counts = new Uint32Array(PHASE_NAMES.length);
  private readonly indexOfId = new Map<number, number>();
  private readonly early = new Map<number, TraceEvent[]>();
  private readonly failures = new Map<number, FailureNote>();
  private frozen = false;

  constructor(options: TracerOptions) {
    const n = options.vms;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`tracer needs a whole number of VMs, got ${n}`);
    this.requested = n;
    this.sink = options.sink;
    this.flushEveryMs = options.flushEveryMs ?? 1000;
    this.subscribers = options.subscribers ?? [];
    this.boundaries = new BoundaryTable(n);
    this.vmIds = new Int32Array(n).fill(-1);
    this.phases = new Uint8Array(n); // all WAITING
    this.hostOf = new Int32Array(n).fill(-1);
    this.counts[Phase.WAITING] = n;
  }

  /** Appends the event to the trace and applies it to its VM's timeline. */
  record(e: TraceEvent): void {
    if (this.sink) {
      this.sink.write(e);
      if (e.t > this.latest) this.latest = e.t;
      if (this.latest - this.lastFlush >= this.flushEveryMs) {
        this.lastFlush = this.latest;
        this.sink.flush();
      }
    }
    if (this.frozen) return;
    for (const subscriber of this.subscribers) subscriber(e);
    let index = e.index;
    if (index === undefined) {
      if (e.vmId === undefined) return; // a host-wide event: trace only
      index = this.indexOfId.get(e.vmId);
      if (index === undefined) {
        const waiting = this.early.get(e.vmId);
        if (waiting) waiting.push(e);
        else this.early.set(e.vmId, [e]);
        return;
      }
    } else if (!(index >= 0 && index < this.requested && Number.isInteger(index))) {
      throw new RangeError(`trace event for request ${index}, but the burst has ${this.requested} VMs`);
    }
    this.apply(index, e);
    if (e.type === 'answer' && e.vmId !== undefined && e.result !== 'FAILURE') this.mapId(index, e.vmId);
  }

  /** The VM's id, once the stack answered its allocate. */
  vmIdOf(index: number): number | undefined {
    const id = this.vmIds[index]!;
    return id < 0 ? undefined : id;
  }

  indexOf(vmId: number): number | undefined {
    return this.indexOfId.get(vmId);
  }

  phaseOf(index: number): Phase {
    return this.phases[index]! as Phase;
  }

  hostOfVm(index: number): string | undefined {
    const h = this.hostOf[index]!;
    return h < 0 ? undefined : this.hostNames[h];
  }

  /** The last failure the trace saw for the VM, even if a retry moved it on since. */
  failureOf(index: number): FailureNote | undefined {
    return this.failures.get(index);
  }

  progress(): ProgressSnapshot {
    const counts = {} as Record<PhaseName, number>;
    PHASE_NAMES.forEach((name, i) => (counts[name] = this.counts[i]!));
    return { t: this.latest, requested: this.requested, counts };
  }

  /**
   * The run is over (deadline, interrupt, or every VM settled): later events still go to the
   * trace file, as evidence, but no longer move any VM's timeline, so accounting reads the state
   * at the end and not whatever a slow final poll gave the cloud time to do.
   */
  freeze(): void {
    this.frozen = true;
  }

  /** Flushes and closes the sink. Events of ids never mapped were not ours: they stay in the file only. */
  close(): void {
    this.early.clear();
    this.sink?.close();
  }

  private mapId(index: number, vmId: number): void {
    if (this.vmIds[index]! >= 0) return;
    this.vmIds[index] = vmId;
    this.indexOfId.set(vmId, index);
    const waiting = this.early.get(vmId);
    if (waiting) {
      this.early.delete(vmId);
      for (const e of waiting) this.apply(index, e);
    }
  }

  private apply(index: number, e: TraceEvent): void {
    this.boundaries.observe(index, e);
    if (e.host !== undefined && e.type !== 'host') this.hostOf[index] = this.hostId(e.host);
    const phase = this.phases[index]! as Phase;
    if (phase === Phase.UP) return;
    const failed = e.result === 'FAILURE';
    switch (e.type) {
      case 'submit':
        if (phase === Phase.WAITING) this.move(index, Phase.SUBMITTED);
        break;
      case 'answer':
        if (failed) this.fail(index, e.info ?? 'the allocate failed', 'START-PENDING');
        else if (phase <= Phase.SUBMITTED) this.move(index, Phase.PENDING);
        break;
      case 'tm.start':
        if (e.action === 'prolog' && phase !== Phase.RUNNING) this.move(index, Phase.PROLOG);
        break;
      case 'tm.end':
        if (e.action === 'prolog' && failed && phase !== Phase.RUNNING) {
          this.fail(index, `TRANSFER: ${e.info ?? 'failed'}`, 'PROLOG-BOOT');
        }
        break;
      case 'vmm.start':
        if (e.action === 'DEPLOY' && phase !== Phase.RUNNING) this.move(index, Phase.BOOT);
        break;
      case 'vmm.end':
        if (e.action !== 'DEPLOY' || phase === Phase.RUNNING) break;
        if (failed) this.fail(index, `DEPLOY: ${e.info ?? 'failed'}`, 'BOOT-RUNNING');
        else this.move(index, Phase.RUNNING);
        break;
      case 'net-msg':
        this.move(index, Phase.UP);
        break;
      case 'polled':
        if (failed) this.fail(index, e.info ?? 'the stack shows the VM failed', stageOfPhase(phase));
        else if (e.action !== undefined && e.action in POLLED_PHASE) this.move(index, POLLED_PHASE[e.action]!);
        break;
      case 'lost':
        if (phase !== Phase.FAILED) this.fail(index, e.info ?? `lost${e.host ? ` with host ${e.host}` : ''}`, stageOfPhase(phase));
        break;
      default:
        break;
    }
  }

  private fail(index: number, reason: string, stage: StageName): void {
    this.failures.set(index, { reason, stage });
    this.move(index, Phase.FAILED);
  }

  private move(index: number, to: Phase): void {
    const from = this.phases[index]!;
    if (from === to) return;
    this.counts[from] = this.counts[from]! - 1;
    this.counts[to] = this.counts[to]! + 1;
    this.phases[index] = to;
  }

  private hostId(name: string): number {
    let id = this.hostIndex.get(name);
    if (id === undefined) {
      id = this.hostNames.length;
      this.hostNames.push(name);
      this.hostIndex.set(name, id);
    }
    return id;
  }
}

/** The phase a `polled` boundary puts a VM in. */
const POLLED_PHASE: Readonly<Record<string, Phase>> = { PROLOG: Phase.PROLOG, BOOT: Phase.BOOT, RUNNING: Phase.RUNNING, 'NET-MSG': Phase.UP };

/** The stage a VM in `phase` is living through. */
export function stageOfPhase(phase: Phase): StageName {
  switch (phase) {
    case Phase.WAITING:
    case Phase.SUBMITTED:
      return 'START-PENDING';
    case Phase.PENDING:
      return 'PENDING-PROLOG';
    case Phase.PROLOG:
      return 'PROLOG-BOOT';
    case Phase.BOOT:
      return 'BOOT-RUNNING';
    default:
      return 'RUNNING-NET-MSG';
  }
}
