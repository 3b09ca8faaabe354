import type { Finding } from '../result.js';
import { intervalSpans, median, NO_SPANS, peak, queueTimeline, sec, SpanList, type Timeline } from './measure.js';
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
  const farm = queueTimeline(intervalSpans(deploys), NO_SPANS, view.end);
  const cap = peak(farm);
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
    const waiting = new SpanList();
    for (const v of view.answered()) {
      if (v.host !== undefined && v.host !== host && !Number.isNaN(v.prologEnd)) waiting.push(v.prologEnd, Number.isNaN(v.deploy) ? Number.POSITIVE_INFINITY : v.deploy);
    }
    const mine = queueTimeline(intervalSpans(list), waiting, view.end);
    let blockedMs = 0;
    let held = 0;
    let waited = 0;
    for (let i = 0; i < mine.length; i += 1) {
      const inFlight = mine.inFlight[i]!;
      if (mine.waiting[i] === 0 || inFlight * 2 < cap || !farmAt(farm, mine.from[i]!, cap)) continue;
      blockedMs += mine.to[i]! - mine.from[i]!;
      held = Math.max(held, inFlight);
      waited = Math.max(waited, mine.waiting[i]!);
    }
    if (blockedMs < 5000) continue;
    const healthyWait = median(waiting.durations(view.end));
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
function farmAt(farm: Timeline, t: number, cap: number): boolean {
  let lo = 0;
  let hi = farm.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t < farm.from[mid]!) hi = mid - 1;
    else if (t >= farm.to[mid]!) lo = mid + 1;
    else return farm.inFlight[mid] === cap;
  }
  return false;
}
