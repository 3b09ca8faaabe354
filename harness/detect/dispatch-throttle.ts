import type { Finding } from '../result.js';
import { maxOf, minOf } from '../extremes.js';
import { median, sec } from './measure.js';
import { pinned, poolQueue } from './pools.js';
import type { Detector } from './types.js';
import type { RunView } from './view.js';

/**
 * Dispatch throttling by the scheduler (`sched-ignores-max-host`, MAX_DISPATCH, a long
 * SCHED_INTERVAL), seen from outside: the TM receives first prologs in waves, one wave per
 * scheduling cycle, and each wave stops at a cap while VMs are left waiting and the hosts had room
 * (they took more VMs in later cycles). PENDING-PROLOG then rises in steps of one cycle.
 *
 * A wave is a run of prolog starts less than WAVE_GAP_MS apart, or queued behind a TM at its
 * peak (a TM that runs one at a time takes a cycle's VMs back to back): a cycle dispatches within
 * milliseconds, cycles are a second or more apart. A wave is throttled when VMs that were already
 * PENDING at its start were left for a later wave. The detector needs 3 or more throttled waves
 * and a median PENDING-PROLOG of at least two cycles, so one split cycle never fires it. It stays
 * silent when the TM pool was pinned at its cap (the thread-pool detectors' case): then the pool,
 * not the scheduler, paces the prologs.
 *
 *   - at most 1 VM per host in every throttled wave, each wave reaching every host that takes VMs,
 *     on 2 or more hosts: `sched-ignores-max-host`
 *     (or MAX_HOST = 1: the trace cannot tell the two apart, the evidence says so);
 *   - else 80% or more of throttled waves of one size C: a dispatch cap of C per cycle (MAX_DISPATCH);
 *   - else cycles 5 s or more apart with VMs waiting half a cycle or more: the scheduler interval.
 */
export const WAVE_GAP_MS = 250;

export const dispatchThrottle: Detector = {
  name: 'dispatch-throttle',
  names: ['sched-ignores-max-host', 'dispatch-throttle'],
  summary:
    'names sched-ignores-max-host (at most 1 VM per host per cycle) or a dispatch cap or interval (dispatch-throttle): first prologs come in cycle waves stuck at a cap while VMs wait and hosts have room',
  start: () => ({ gather: (view) => gatherThrottle(view) }),
};

interface Wave {
  t: number;
  /** the host of each VM of the wave */
  hosts: string[];
  /** VMs PENDING at the wave's start (the wave's own included) */
  waiting: number;
}

function gatherThrottle(view: RunView): Finding[] {
  const vms = view.answered().filter((v) => !Number.isNaN(v.prolog) && v.host !== undefined);
  if (vms.length < 8) return [];
  if (pinned(poolQueue(view, 'TM'))) return [];
  const waves = wavesOf(view);
  if (waves.length < 2) return [];
  const throttled = waves.filter((w) => w.waiting > w.hosts.length);
  const pendingProlog = vms.map((v) => v.prolog - v.answered);
  const medianWait = median(pendingProlog);
  const gaps = waves.slice(1).map((w, i) => w.t - waves[i]!.t);
  const cycle = median(gaps);
  const longest = maxOf(pendingProlog);
  const steps = `PENDING-PROLOG rises in ${sec(cycle)} steps to ${sec(longest)} (median ${sec(medianWait)})`;
  const perHostTotals = new Map<string, number>();
  for (const v of vms) perHostTotals.set(v.host!, (perHostTotals.get(v.host!) ?? 0) + 1);
  const roomy = minOf(perHostTotals.values());

  if (throttled.length >= 3 && medianWait >= 2 * cycle) {
    const perHostMax = maxOf(throttled, maxPerHost);
    const hosts = new Set(throttled.flatMap((w) => w.hosts));
    const waitedMax = maxOf(throttled, (w) => w.waiting - w.hosts.length);
    // per host, not per cycle: the waves reach every host that takes VMs, one VM each
    if (perHostMax === 1 && hosts.size >= 2 && median(throttled.map((w) => w.hosts.length)) >= perHostTotals.size) {
      return [
        throttleFinding(
          'sched-ignores-max-host',
          `the scheduler dispatched at most 1 VM per host per cycle: ${throttled.length} cycles ${sec(cycle)} apart, each starting ` +
            `${median(throttled.map((w) => w.hosts.length))} prologs on as many hosts while up to ${waitedMax} more VMs waited, and every one of ` +
            `the ${hosts.size} hosts took ${roomy} or more VMs in the end, so they had room (sched-ignores-max-host, or MAX_HOST = 1); ${steps}`,
        ),
      ];
    }
    const sizes = throttled.map((w) => w.hosts.length);
    const mode = modeOf(sizes);
    if (mode.count >= 0.8 * sizes.length) {
      return [
        throttleFinding(
          'dispatch-throttle',
          `the scheduler dispatched ${mode.value} VMs per cycle and no more (${mode.count} of ${throttled.length} throttled cycles, ` +
            `${sec(cycle)} apart) while up to ${waitedMax} more VMs waited, spread over ${hosts.size} hosts that took ${roomy} or more each ` +
            `in the end: a dispatch cap of ${mode.value} per cycle (MAX_DISPATCH); ${steps}`,
        ),
      ];
    }
  }
  if (cycle >= 5000 && medianWait >= cycle / 2 && waves.some((w) => w.waiting > 0)) {
    return [
      throttleFinding(
        'dispatch-throttle',
        `first prologs came in ${waves.length} waves ${sec(cycle)} apart and VMs waited a median ${sec(medianWait)} for one ` +
          `(longest ${sec(longest)}) with the TM idle in between: the scheduler's interval sets PENDING-PROLOG`,
      ),
    ];
  }
  return [];
}

function wavesOf(view: RunView): Wave[] {
  const vms = view
    .answered()
    .filter((v) => !Number.isNaN(v.prolog) && v.host !== undefined)
    .sort((a, b) => a.prolog - b.prolog);
  const answeredAt = Float64Array.from(view.answered(), (v) => v.answered).sort();
  const waves: Wave[] = [];
  let dispatched = 0;
  let answered = 0;
  // A prolog that starts as another ends, with the TM at its peak, was queued behind the TM's
  // pool, not dispatched by a new cycle: a single TM thread takes a cycle's VMs back to back.
  const tmPeak = poolQueue(view, 'TM').cap;
  const ends = Float64Array.from(vms, (v) => (Number.isNaN(v.prologEnd) ? Number.POSITIVE_INFINITY : v.prologEnd)).sort();
  let ended = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const v of vms) {
    while (ended < ends.length && ends[ended]! < v.prolog) ended += 1;
    const queued = dispatched - ended >= tmPeak;
    if (waves.length === 0 || (v.prolog - last >= WAVE_GAP_MS && !queued)) {
      while (answered < answeredAt.length && answeredAt[answered]! <= v.prolog) answered += 1;
      waves.push({ t: v.prolog, hosts: [], waiting: answered - dispatched });
    }
    waves.at(-1)!.hosts.push(v.host!);
    dispatched += 1;
    last = v.prolog;
  }
  return waves;
}

function maxPerHost(w: Wave): number {
  const n = new Map<string, number>();
  for (const host of w.hosts) n.set(host, (n.get(host) ?? 0) + 1);
  return maxOf(n.values());
}

function modeOf(values: readonly number[]): { value: number; count: number } {
  const n = new Map<number, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  let best = { value: Number.NaN, count: 0 };
  for (const [value, count] of n) if (count > best.count) best = { value, count };
  return best;
}

/** Every finding of this detector: the scheduler held the VMs in PENDING-PROLOG, farm-wide. */
function throttleFinding(pathology: string, evidence: string): Finding {
  return { detector: 'dispatch-throttle', pathology, stage: 'PENDING-PROLOG', hosts: [], evidence };
}
