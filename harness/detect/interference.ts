import { maxOf } from '../extremes.js';
import { sec } from './measure.js';
import type { Detector } from './types.js';
import { WAVE_GAP_MS } from './dispatch-throttle.js';

/**
 * Interference: dispatch stalls line up with another activity, monitoring rounds (MONITOR).
 * A stall is a gap between two prolog starts, while VMs were PENDING, of 2 s or more and at
 * least twice the median gap between dispatch waves. A round is a stretch with MONITOR actions
 * in flight. Fires when there were 3 or more stalls, at least 80% of them began while a round
 * was in progress (or within WAVE_GAP_MS of one), and rounds covered at most 30% of the burst, so
 * that chance would line up about 30% of stalls, not 80%.
 */
export const interference: Detector = {
  name: 'interference',
  names: ['interference'],
  summary: 'names interference: dispatch stalls line up with monitoring rounds (MONITOR in flight) far beyond chance',
  start: () => ({
    gather(view) {
      const vms = view.answered().filter((v) => !Number.isNaN(v.prolog));
      if (vms.length < 8) return [];
      const starts = vms.map((v) => v.prolog).sort((a, b) => a - b);
      const answered = view
        .answered()
        .map((v) => v.answered)
        .sort((a, b) => a - b);
      const waveGaps = starts
        .slice(1)
        .map((t, i) => t - starts[i]!)
        .filter((g) => g >= WAVE_GAP_MS)
        .sort((a, b) => a - b);
      if (waveGaps.length < 3) return [];
      const usual = waveGaps[Math.floor((waveGaps.length - 1) / 2)]!;
      const stalls: Array<[number, number]> = [];
      let pendingIdx = 0;
      for (let i = 1; i < starts.length; i += 1) {
        const [a, b] = [starts[i - 1]!, starts[i]!];
        while (pendingIdx < answered.length && answered[pendingIdx]! <= a) pendingIdx += 1;
        const pending = pendingIdx - i; // answered by a, less those already dispatched
        if (pending > 0 && b - a >= 2000 && b - a >= 2 * usual) stalls.push([a, b]);
      }
      if (stalls.length < 3) return [];
      const rounds = merge(view.intervals.im.map((i) => [i.start, Number.isFinite(i.end) ? i.end : view.end] as const));
      const span = starts.at(-1)! - starts[0]!;
      const covered = rounds.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, starts.at(-1)!) - Math.max(a, starts[0]!)), 0);
      const coverage = span > 0 ? covered / span : 1;
      const lined = stalls.filter(([a]) => rounds.some(([r0, r1]) => r0 <= a + WAVE_GAP_MS && a <= r1 + WAVE_GAP_MS));
      if (lined.length < 0.8 * stalls.length || coverage > 0.3) return [];
      const longest = maxOf(lined, ([a, b]) => b - a);
      return [
        {
          detector: 'interference',
          pathology: 'interference',
          stage: 'PENDING-PROLOG',
          hosts: [],
          evidence:
            `${lined.length} of ${stalls.length} dispatch stalls (no prolog for 2 s or more while VMs were PENDING, longest ${sec(longest)}) ` +
            `began during a monitoring round, though rounds covered only ${Math.round(coverage * 100)}% of the burst: dispatch waits for MONITOR`,
        },
      ];
    },
  }),
};

function merge(spans: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
