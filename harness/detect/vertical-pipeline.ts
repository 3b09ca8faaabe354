import { minOf } from '../extremes.js';
import { quantile, sec } from './measure.js';
import { poolQueue, type PoolQueue } from './pools.js';
import type { Interval } from './view.js';
import type { Detector } from './types.js';

/**
 * `vertical-pipeline`: each head-node component is a single consumer thread between queues, so
 * the hand-offs of a burst (the transfer file, the reply, the deployment file) are served one at
 * a time. The drivers keep their pools, so actions overlap; what gives the one thread away is the
 * spacing of their arrivals: neither the TM's prologs nor the VMM's DEPLOYs ever reached their
 * driver within 10 ms of one another (one hand-off's service time at least), over 32 or more
 * each, while each driver ran 2 or more at once and VMs queued for both. With one worker per
 * hand-off, DEPLOYs follow the prologs' random ends and some always arrive together; a thread
 * pool that is too small keeps its actions from overlapping instead (thread-pool-cap).
 * The stage named is the one where VMs waited longest.
 */
const MIN_ARRIVALS = 32;
const MIN_GAP_MS = 10;

export const verticalPipeline: Detector = {
  name: 'vertical-pipeline',
  names: ['vertical-pipeline'],
  summary:
    "names vertical-pipeline: the TM's prologs and the VMM's DEPLOYs each reached their driver one at a time, never within 10 ms of one another, though the drivers ran several at once",
  start: () => ({
    gather(view) {
      const tm = poolQueue(view, 'TM');
      const vmm = poolQueue(view, 'VMM');
      const tmGaps = arrivalGaps(view.intervals.tm.filter((i) => i.action === 'prolog'));
      const vmmGaps = arrivalGaps(view.intervals.vmm.filter((i) => i.action === 'DEPLOY'));
      if (!handedOnOneByOne(tm, tmGaps) || !handedOnOneByOne(vmm, vmmGaps)) return [];
      const worse = vmm.waitingMs >= tm.waitingMs ? vmm : tm;
      return [
        {
          detector: 'vertical-pipeline',
          pathology: 'vertical-pipeline',
          stage: worse.stage,
          hosts: [],
          evidence:
            `${tmGaps.length + 1} prologs reached the TM and ${vmmGaps.length + 1} DEPLOYs the VMM one at a time, never within ` +
            `${ms(minOf(tmGaps))} and ${ms(minOf(vmmGaps))} of one another (median ${ms(quantile(tmGaps, 0.5))} and ${ms(quantile(vmmGaps, 0.5))}), ` +
            `though the drivers ran up to ${tm.cap} and ${vmm.cap} at once and up to ${tm.maxWaiting} VMs waited in PENDING-PROLOG (${sec(tm.waitingMs)}) ` +
            `and ${vmm.maxWaiting} in PROLOG-BOOT (${sec(vmm.waitingMs)}): one thread per component hands every VM on`,
        },
      ];
    },
  }),
};

/** Gaps between consecutive arrivals at a driver, ms, in time order. */
function arrivalGaps(actions: readonly Interval[]): number[] {
  const starts = Float64Array.from(actions, (a) => a.start).sort();
  const gaps: number[] = [];
  for (let i = 1; i < starts.length; i += 1) gaps.push(starts[i]! - starts[i - 1]!);
  return gaps;
}

function handedOnOneByOne(q: PoolQueue, gaps: readonly number[]): boolean {
  return gaps.length + 1 >= MIN_ARRIVALS && minOf(gaps) >= MIN_GAP_MS && q.cap >= 2 && q.maxWaiting >= 2;
}

const ms = (v: number): string => `${Math.round(v)} ms`;
