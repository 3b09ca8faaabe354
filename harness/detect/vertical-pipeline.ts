import { sec } from './measure.js';
import { pinned, poolQueue, singleConsumers } from './pools.js';
import type { Detector } from './types.js';

/**
 * `vertical-pipeline`: each component is a single consumer thread between queues. Both the TM and
 * the VMM ran exactly one action at a time over the whole farm while VMs queued for each (the
 * thresholds of pools.ts, at a cap of 1 for both): every hand-off waits for the one consumer.
 * The stage named is the one where VMs waited longest.
 */
export const verticalPipeline: Detector = {
  name: 'vertical-pipeline',
  names: ['vertical-pipeline'],
  summary: 'names vertical-pipeline: TM and VMM each run one action at a time over the whole farm while VMs queue for both',
  start: () => ({
    gather(view) {
      const tm = poolQueue(view, 'TM');
      const vmm = poolQueue(view, 'VMM');
      if (!singleConsumers(tm, vmm)) return [];
      const worse = vmm.waitingMs >= tm.waitingMs ? vmm : tm;
      return [
        {
          detector: 'vertical-pipeline',
          pathology: 'vertical-pipeline',
          stage: worse.stage,
          hosts: [],
          evidence:
            `the TM and the VMM each handled one action at a time over ${Math.max(tm.hosts, vmm.hosts)} hosts (max 1 in flight) ` +
            `while up to ${tm.maxWaiting} VMs queued for the TM (PENDING-PROLOG, ${sec(tm.waitingMs)}) and up to ${vmm.maxWaiting} for the VMM ` +
            `(PROLOG-BOOT, ${sec(vmm.waitingMs)}): single-consumer stages, hand-offs queue`,
        },
      ];
    },
  }),
};
