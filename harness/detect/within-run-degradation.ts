import type { Finding } from '../result.js';
import type { StageName } from '../stages.js';
import { median, sec, spearman } from './measure.js';
import type { Detector } from './types.js';
import type { RunView } from './view.js';

/**
 * Within-run degradation: late VMs of the burst much slower than early ones in a stage, read on
 * the service time of each VM's own action (its prolog TRANSFER in PROLOG-BOOT, its DEPLOY in
 * BOOT-RUNNING), not on the stage's duration: queueing makes late VMs wait longer in any capped
 * stage and the pool detectors name that; here the action itself got slower as the run went.
 * Fires with 20 or more VMs when the last fifth of the burst took at least twice as long as the
 * first fifth (medians), 1 s or more longer, with a rank correlation of 0.5 or more between
 * position and time.
 */
export const withinRunDegradation: Detector = {
  name: 'within-run-degradation',
  names: ['within-run-degradation'],
  summary: 'names within-run degradation: the prolog or DEPLOY of late VMs of the burst takes much longer than that of early ones',
  start: () => ({ gather: gatherDegradation }),
};

function gatherDegradation(view: RunView): Finding[] {
  const vms = view.answered();
  const out: Finding[] = [];
  const kinds: Array<{ what: string; stage: StageName; time: (v: (typeof vms)[number]) => number }> = [
    { what: 'prolog TRANSFERs', stage: 'PROLOG-BOOT', time: (v) => v.prologEnd - v.prolog },
    { what: 'DEPLOYs', stage: 'BOOT-RUNNING', time: (v) => v.running - v.deploy },
  ];
  for (const k of kinds) {
    // burst positions and times of the VMs that have one, side by side
    const indices: number[] = [];
    const times: number[] = [];
    for (const v of vms) {
      const t = k.time(v);
      if (!Number.isFinite(t)) continue;
      indices.push(v.index);
      times.push(t);
    }
    if (times.length < 20) continue;
    const fifth = Math.floor(times.length / 5);
    const early = median(times.slice(0, fifth));
    const late = median(times.slice(-fifth));
    const rho = spearman(indices, times);
    if (late < 2 * early || late - early < 1000 || !(rho >= 0.5)) continue;
    out.push({
      detector: 'within-run-degradation',
      pathology: 'within-run-degradation',
      stage: k.stage,
      hosts: [],
      evidence:
        `${k.what} of the last fifth of the burst took a median ${sec(late)} against ${sec(early)} for the first fifth ` +
        `(rank correlation ${rho.toFixed(2)} with the position, ${times.length} VMs): the ${k.stage} action itself slowed as the run went`,
    });
  }
  return out;
}
