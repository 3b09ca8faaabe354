import type { Finding } from '../result.js';
import { sec } from './measure.js';
import { pinned, poolQueue, type PoolQueue } from './pools.js';
import type { Detector } from './types.js';

/**
 * A thread pool too small for the farm: TM or VMM actions in flight plateau at a fixed number over
 * the whole farm while more VMs wait (thresholds in pools.ts). Names the number: 1 is a global
 * lock.
 */
export const threadPoolCap: Detector = {
  name: 'thread-pool-cap',
  names: ['thread-pool-cap'],
  summary: 'names a TM or VMM thread pool smaller than the farm: actions in flight pinned at one number (1: a global lock) while more VMs wait and hosts sit idle',
  start: () => ({
    gather(view) {
      return [poolQueue(view, 'TM'), poolQueue(view, 'VMM')].filter(pinned).map(finding);
    },
  }),
};

function finding(q: PoolQueue): Finding {
  const what = q.kind === 'TM' ? 'prolog TRANSFERs' : 'DEPLOYs';
  const lock = q.cap === 1 ? ': a global lock' : '';
  return {
    detector: 'thread-pool-cap',
    pathology: 'thread-pool-cap',
    stage: q.stage,
    hosts: [],
    evidence:
      `${q.kind} ${what} in flight plateaued at ${q.cap} over the whole farm, for ${Math.round(q.pinnedShare * 100)}% of the ${sec(q.waitingMs)} ` +
      `during which VMs waited for one, while up to ${q.waitingAtCap} VMs waited in ${q.stage}: a pool of ${q.cap} for ${q.hosts} hosts${lock}`,
  };
}
