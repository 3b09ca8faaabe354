import type { Finding } from '../result.js';
import { maxOf } from '../extremes.js';
import { median, queueTimeline, sec } from './measure.js';
import type { Detector } from './types.js';
import type { Interval, RunView } from './view.js';

/**
 * Head-of-line blocking: a slow or hung host delays deploys on healthy hosts. A host is slow when
 * its DEPLOYs' median took 5 times the median of the other hosts' medians and 5 s more, or hung
 * when one of its DEPLOYs never answered. It blocks the others when, for 5 s or more in all, the
 * farm's deploys were at their peak, that host's held at least half of them, and VMs placed on
 * healthy hosts waited for theirs (PROLOG-BOOT): the healthy hosts had work and the slots went to
 * the slow one.
 */
export const headOfLine: Detector = {
  name: 'head-of-line',
  names: ['head-of-line'],
  summary: 'names head-of-line blocking: a slow or hung host holds the deploy slots while VMs on healthy hosts wait',
  start: () => ({ gather: gatherHeadOfLine }),
};

function gatherHeadOfLine(view: RunView): Finding[] {
  const deploys = view.intervals.vmm.filter((i) => i.action === 'DEPLOY');
  const byHost = new Map<string, Interval[]>();
  for (const d of deploys) {
    const list = byHost.get(d.host);
    if (list) list.push(d);
    else byHost.set(d.host, [d]);
  }
  if (byHost.size < 2) return [];
  const dur = (i: Interval): number => (Number.isFinite(i.end) ? i.end : view.end) - i.start;
  const medians = new Map([...byHost].map(([h, list]) => [h, median(list.map(dur))] as const));
  const farm = queueTimeline(
    deploys.map((d) => [d.start, d.end] as const),
    [],
    view.end,
  );
  const cap = Math.max(0, maxOf(farm, (s) => s.inFlight));
  const findings: Finding[] = [];
  // the farm's usual deploy: the median of the other hosts' medians; on a large farm, of all
  // hosts' (one host cannot move it), which keeps this linear in the hosts
  const farmMedian = median([...medians.values()]);
  for (const [host, list] of byHost) {
    const others = byHost.size > 10 ? farmMedian : median([...medians].filter(([h]) => h !== host).map(([, m]) => m));
    const own = medians.get(host)!;
    const hung = list.filter((i) => !Number.isFinite(i.end)).length;
    if (!(hung > 0 || (own >= 5 * others && own - others >= 5000))) continue;
    // the slow host's deploys in flight, against healthy hosts' VMs waiting for theirs
    const waiting = view
      .answered()
      .filter((v) => v.host !== undefined && v.host !== host && !Number.isNaN(v.prologEnd))
      .map((v) => [v.prologEnd, Number.isNaN(v.deploy) ? Number.POSITIVE_INFINITY : v.deploy] as const);
    const mine = queueTimeline(
      list.map((i) => [i.start, i.end] as const),
      waiting,
      view.end,
    );
    let blockedMs = 0;
    let held = 0;
    let waited = 0;
    for (const s of mine) {
      if (s.waiting === 0 || s.inFlight * 2 < cap || !farmAt(farm, s.from, cap)) continue;
      blockedMs += s.to - s.from;
      held = Math.max(held, s.inFlight);
      waited = Math.max(waited, s.waiting);
    }
    if (blockedMs < 5000) continue;
    const healthyWait = median(waiting.map(([a, b]) => (Number.isFinite(b) ? b : view.end) - a));
    const how =
      hung > 0 ? `hung (${hung} of its ${list.length} DEPLOYs never answered)` : `slow (its DEPLOYs took a median ${sec(own)}, other hosts ${sec(others)})`;
    findings.push({
      detector: 'head-of-line',
      pathology: 'head-of-line',
      stage: 'PROLOG-BOOT',
      hosts: [host],
      evidence:
        `${host} was ${how} and held up to ${held} of the ${cap} deploys in flight for ${sec(blockedMs)} while up to ${waited} VMs ` +
        `placed on healthy hosts waited for theirs in PROLOG-BOOT (median wait ${sec(healthyWait)}): head-of-line blocking`,
    });
  }
  return findings;
}

/** Whether the farm's deploys were at `cap` at time `t`. */
function farmAt(farm: ReadonlyArray<{ from: number; to: number; inFlight: number }>, t: number, cap: number): boolean {
  let lo = 0;
  let hi = farm.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = farm[mid]!;
    if (t < s.from) hi = mid - 1;
    else if (t >= s.to) lo = mid + 1;
    else return s.inFlight === cap;
  }
  return false;
}
