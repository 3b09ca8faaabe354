import { median, sec } from './measure.js';
import type { Detector } from './types.js';

/**
 * `direct-io`: guest disks bypass the host page cache, so the image store serves each booting VM
 * its whole boot working set, where a host cache reads it once per host and image. Fires when 2
 * or more boots per host started on average, and the store served at least 80% as many working
 * sets as there were boots: the signature of per-VM reads, far from the one per host and image a
 * cache gives. The time lands in RUNNING-NET-MSG, where guests wait for the store.
 */
export const directIo: Detector = {
  name: 'direct-io',
  names: ['direct-io'],
  summary: 'names direct-io: the image store served about one boot working set per VM instead of one per host and image',
  start: () => ({
    gather(view) {
      const boots = view.intervals.boot;
      const hosts = new Set(boots.map((b) => b.host));
      const reads = view.storeReads;
      if (hosts.size === 0 || boots.length < 2 * hosts.size || reads.length < 0.8 * boots.length) return [];
      const mb = reads.reduce((sum, r) => sum + r.mb, 0);
      const images = new Set(reads.map((r) => r.image)).size;
      const netMsg = view
        .answered()
        .filter((v) => !Number.isNaN(v.netMsg) && !Number.isNaN(v.running))
        .map((v) => v.netMsg - v.running);
      return [
        {
          detector: 'direct-io',
          pathology: 'direct-io',
          stage: 'RUNNING-NET-MSG',
          hosts: [],
          evidence:
            `the image store served ${reads.length} boot working sets (${Math.round(mb / reads.length)} MB each, ${(mb / 1024).toFixed(1)} GB in all) ` +
            `for ${boots.length} boots on ${hosts.size} hosts: one per VM instead of one per host and image (${hosts.size * images} with a host cache); ` +
            `RUNNING-NET-MSG median ${sec(median(netMsg))}`,
        },
      ];
    },
  }),
};
