import { LcmState, VmState } from '../opennebula/states.js';
import type { PolledVm } from './poll.js';
import type { Boundary } from './stages.js';
import type { TraceEvent } from './trace-event.js';

/**
 * Stages from polling (docs/architecture.md, "Against a real OpenNebula"): against a stack whose
 * drivers are not ours (OpenNebula's own dummy drivers), no TM or VMM action reaches the host
 * farm, so PROLOG, BOOT and RUNNING can only be read off the VM's state as `one.vmpool.info`
 * shows it, one poll interval apart, and there is no guest to send NET-MSG. This turns each newly
 * polled state into the boundaries it proves were crossed, as `polled` trace events:
 *
 *   ACTIVE/PROLOG   PROLOG
 *   ACTIVE/BOOT     PROLOG, BOOT                (the ones not seen yet, at this poll)
 *   ACTIVE/RUNNING  PROLOG, BOOT, RUNNING, NET-MSG (inferred at RUNNING: no guest boots)
 *   PROLOG_FAILURE, BOOT_FAILURE, FAILED        the VM failed in that stage
 *
 * A boundary is stamped at the poll that first showed it, so it is late by up to one poll
 * interval; a VM that went through PROLOG and BOOT between two polls has them all at one instant.
 */
export type Observation = 'drivers' | 'polling';

/** How each boundary of a run was taken, for the report. */
export interface ObservationReport {
  source: Observation;
  /** per boundary: observed where it happens, polled off the stack's state, or inferred */
  boundaries: Record<Boundary, 'observed' | 'polled' | 'inferred'>;
  /** how late a polled boundary may be: the poll interval, emulated seconds; null when nothing is polled */
  resolutionS: number | null;
  /** one sentence for the report */
  summary: string;
}

const ORDER = ['PROLOG', 'BOOT', 'RUNNING', 'NET-MSG'] as const;

/** The boundary a polled state proves was reached last, or a failure; undefined: nothing to say (still PENDING, HOLD...). */
function reached(vm: PolledVm): { upTo: (typeof ORDER)[number] } | { failed: string; upTo?: (typeof ORDER)[number] } | undefined {
  if (vm.state === VmState.ACTIVE) {
    switch (vm.lcmState) {
      case LcmState.PROLOG:
        return { upTo: 'PROLOG' };
      case LcmState.BOOT:
        return { upTo: 'BOOT' };
      case LcmState.RUNNING:
        return { upTo: 'NET-MSG' };
      case LcmState.PROLOG_FAILURE:
        return { failed: 'the stack shows PROLOG_FAILURE', upTo: 'PROLOG' };
      case LcmState.BOOT_FAILURE:
        return { failed: 'the stack shows BOOT_FAILURE', upTo: 'BOOT' };
      default:
        return undefined;
    }
  }
  if (vm.state === VmState.FAILED) return { failed: 'the stack shows FAILED' };
  return undefined;
}

/**
 * The `polled` events a newly polled state of `vm` at `t` proves, given the last boundary already
 * taken for it (`seen`, updated in place). A failed state comes as a `polled` event with result
 * FAILURE; call this once per change of state, so a failure is told once.
 */
export function polledBoundaries(vm: PolledVm, t: number, seen: Map<number, number>): TraceEvent[] {
  const what = reached(vm);
  if (what === undefined) return [];
  const last = seen.get(vm.id) ?? -1;
  const upTo = what.upTo === undefined ? last : ORDER.indexOf(what.upTo);
  const host = vm.host === undefined ? {} : { host: vm.host };
  const out: TraceEvent[] = [];
  for (let i = last + 1; i <= upTo; i += 1) {
    const boundary = ORDER[i]!;
    const info = boundary === 'NET-MSG' ? 'inferred at RUNNING: the stack boots no guest of ours' : `polled: ${vm.lcmState}`;
    out.push({ t, type: 'polled', vmId: vm.id, action: boundary, info, ...host });
  }
  if (upTo > last) seen.set(vm.id, upTo);
  if ('failed' in what) out.push({ t, type: 'polled', vmId: vm.id, action: 'FAILURE', result: 'FAILURE', info: what.failed, ...host });
  return out;
}

export function observationReport(source: Observation, pollEveryMs: number): ObservationReport {
  if (source === 'drivers') {
    return {
      source,
      boundaries: { START: 'observed', PENDING: 'observed', PROLOG: 'observed', BOOT: 'observed', RUNNING: 'observed', 'NET-MSG': 'observed' },
      resolutionS: null,
      summary: 'every boundary observed where it happens: START and PENDING at the client, PROLOG, BOOT and RUNNING at the driver seam, NET-MSG at the collector',
    };
  }
  const s = pollEveryMs / 1000;
  return {
    source,
    boundaries: { START: 'observed', PENDING: 'observed', PROLOG: 'polled', BOOT: 'polled', RUNNING: 'polled', 'NET-MSG': 'inferred' },
    resolutionS: s,
    summary:
      `START and PENDING observed at the client; PROLOG, BOOT and RUNNING polled off the stack's VM states every ${s} s, ` +
      `so each is late by up to ${s} s; NET-MSG inferred at RUNNING (the stack's own drivers boot no guest), so RUNNING-NET-MSG is 0 by construction`,
  };
}
