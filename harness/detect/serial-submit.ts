import { median, ms, NO_SPANS, peak, quantile, queueTimeline, sec, spansOf, spearman } from './measure.js';
import type { Detector } from './types.js';

/**
 * `serial-submit`: the client sent one request after another, so START-PENDING grows with the
 * position in the burst. Fires when at least 8 allocates were answered, no two were ever in
 * flight at once, START-PENDING's rank correlation with the position is 0.9 or more, and the last
 * tenth waited at least 1 s longer than the first tenth (a stack's backlog under a parallel burst
 * also grows with position, but then many requests are in flight at once).
 */
export const serialSubmit: Detector = {
  name: 'serial-submit',
  names: ['serial-submit'],
  summary: 'names serial-submit: allocates went one at a time and START-PENDING grows with the position in the burst',
  start: () => ({
    gather(view) {
      const vms = view.answered();
      if (vms.length < 8) return [];
      // one request answered at the instant the next is sent does not overlap it
      if (peak(queueTimeline(spansOf(vms, (v) => v.sent, (v) => v.answered), NO_SPANS, 0)) > 1) return [];
      const wait = vms.map((v) => v.answered - v.submit);
      const rho = spearman(
        vms.map((v) => v.index),
        wait,
      );
      const tenth = Math.max(1, Math.floor(vms.length / 10));
      const first = median(wait.slice(0, tenth));
      const last = median(wait.slice(-tenth));
      if (!(rho >= 0.9) || last - first < 1000) return [];
      const service = median(vms.map((v) => v.answered - v.sent));
      return [
        {
          detector: 'serial-submit',
          pathology: 'serial-submit',
          stage: 'START-PENDING',
          hosts: [],
          evidence:
            `the ${vms.length} allocates went one at a time (never 2 in flight), so START-PENDING grew with the position in the burst ` +
            `(rank correlation ${rho.toFixed(2)}): ${sec(first)} for the first tenth, ${sec(last)} for the last, ${sec(quantile(wait, 1))} at most, ` +
            `at ${ms(service)} per answer`,
        },
      ];
    },
  }),
};
