import type { StageName } from '../stages.js';
import { intervalSpans, peak, queueTimeline, SpanList, type Timeline } from './measure.js';
import type { RunView } from './view.js';

/**
 * How a driver's actions queued over the whole farm: the TM's prolog TRANSFERs, for which a VM
 * waits from PENDING (the allocate's answer) to PROLOG, and the VMM's DEPLOYs, for which it waits
 * from the end of its prolog to BOOT. Shared by the thread-pool and vertical-pipeline detectors.
 */
export interface PoolQueue {
  kind: 'TM' | 'VMM';
  /** the stage a VM waits in for this driver */
  stage: StageName;
  /** the most actions in flight at once */
  cap: number;
  /** the most VMs waiting at once */
  maxWaiting: number;
  /** emulated ms during which VMs waited, and the share of it with exactly `cap` in flight */
  waitingMs: number;
  pinnedShare: number;
  /** the most VMs waiting while `cap` were in flight */
  waitingAtCap: number;
  /** hosts that got at least one of these actions */
  hosts: number;
  timeline: Timeline;
}

/** Several detectors ask for the same queues: each is computed once per run. */
const computed = new WeakMap<RunView, Partial<Record<'TM' | 'VMM', PoolQueue>>>();

export function poolQueue(view: RunView, kind: 'TM' | 'VMM'): PoolQueue {
  let cache = computed.get(view);
  if (!cache) computed.set(view, (cache = {}));
  return (cache[kind] ??= computePoolQueue(view, kind));
}

function computePoolQueue(view: RunView, kind: 'TM' | 'VMM'): PoolQueue {
  const actions =
    kind === 'TM' ? view.intervals.tm.filter((i) => i.action === 'prolog') : view.intervals.vmm.filter((i) => i.action === 'DEPLOY');
  const waits = new SpanList();
  for (const vm of view.answered()) {
    const from = kind === 'TM' ? vm.answered : vm.prologEnd;
    const to = kind === 'TM' ? vm.prolog : vm.deploy;
    if (Number.isNaN(from)) continue;
    if (kind === 'VMM' && !Number.isNaN(vm.running) && Number.isNaN(to)) continue;
    waits.push(from, Number.isNaN(to) ? Number.POSITIVE_INFINITY : to);
  }
  const timeline = queueTimeline(
    intervalSpans(actions),
    waits,
    view.end,
  );
  const cap = peak(timeline);
  let waitingMs = 0;
  let pinnedMs = 0;
  let maxWaiting = 0;
  let waitingAtCap = 0;
  for (let i = 0; i < timeline.length; i += 1) {
    const waiting = timeline.waiting[i]!;
    if (waiting > maxWaiting) maxWaiting = waiting;
    if (waiting === 0) continue;
    const ms = timeline.to[i]! - timeline.from[i]!;
    waitingMs += ms;
    if (timeline.inFlight[i] === cap) {
      pinnedMs += ms;
      if (waiting > waitingAtCap) waitingAtCap = waiting;
    }
  }
  return {
    kind,
    stage: kind === 'TM' ? 'PENDING-PROLOG' : 'PROLOG-BOOT',
    cap,
    maxWaiting,
    waitingMs,
    pinnedShare: waitingMs > 0 ? pinnedMs / waitingMs : 0,
    waitingAtCap,
    hosts: new Set(actions.map((a) => a.host)).size,
    timeline,
  };
}

/**
 * A driver held at a fixed number of actions: while VMs waited, exactly `cap` were in flight at
 * least 80% of the time (a scheduler's throttle lets the count fall between cycles instead), more
 * VMs waited than ran, they waited 2 s or more in all, and `cap` is below the number of hosts, so
 * some host with work sat idle by construction whenever VMs waited: the cap, not the farm, set
 * the pace. A pool as wide as the farm (the optimized profile's 32 VMM threads on 16 hosts) can
 * still queue deploys, but every host has one at a time: that is the farm's width, not a defect.
 */
export function pinned(q: PoolQueue): boolean {
  return q.pinnedShare >= 0.8 && q.waitingAtCap > q.cap && q.waitingMs >= 2000 && q.cap < q.hosts;
}
