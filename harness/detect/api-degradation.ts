import type { Finding } from '../result.js';
import { median, ms, spearman } from './measure.js';
import type { Detector } from './types.js';
import type { RunView } from './view.js';

/**
 * API degradation: a call's answer time grows with the number of VMs already in the pool. Read
 * per method from calls that had the stack to themselves as far as the harness knows: every
 * tapped call (polls, host calls), and allocates sent while no other allocate was in flight (a
 * parallel burst's allocates queue in the stack's backlog, which grows with position, not pool).
 * Fires for a method with 8 or more such calls whose answer time has a rank correlation of 0.8 or
 * more with the pool size, and whose calls made with the largest quarter of the pool took at
 * least twice as long as those with the smallest quarter, and 20 ms or more longer. The stage is
 * START-PENDING for allocates; other calls are the harness's own, so their slowing is named under
 * `total`.
 */
export const apiDegradation: Detector = {
  name: 'api-degradation',
  names: ['api-degradation'],
  summary: "names api-degradation: a method's answer time grows with the number of VMs already in the pool",
  start: () => ({ gather: gatherApi }),
};

function gatherApi(view: RunView): Finding[] {
  const byMethod = new Map<string, Array<{ pool: number; ms: number }>>();
  const add = (method: string, pool: number, t: number): void => {
    let list = byMethod.get(method);
    if (!list) byMethod.set(method, (list = []));
    list.push({ pool, ms: t });
  };
  for (const c of view.api) add(c.method, c.pool, c.answer - c.send);
  const vms = [...view.answered()].sort((a, b) => a.sent - b.sent);
  let latestAnswer = Number.NEGATIVE_INFINITY;
  const answeredBefore = [...vms].map((v) => v.answered).sort((a, b) => a - b);
  let k = 0;
  for (const v of vms) {
    const alone = v.sent >= latestAnswer;
    latestAnswer = Math.max(latestAnswer, v.answered);
    while (k < answeredBefore.length && answeredBefore[k]! <= v.sent) k += 1;
    if (alone) add('one.vm.allocate', k, v.answered - v.sent);
  }
  const findings: Finding[] = [];
  for (const [method, calls] of byMethod) {
    if (calls.length < 8) continue;
    const rho = spearman(
      calls.map((c) => c.pool),
      calls.map((c) => c.ms),
    );
    const sorted = [...calls].sort((a, b) => a.pool - b.pool);
    const quarter = Math.max(1, Math.floor(sorted.length / 4));
    const small = sorted.slice(0, quarter);
    const large = sorted.slice(-quarter);
    const early = median(small.map((c) => c.ms));
    const late = median(large.map((c) => c.ms));
    if (!(rho >= 0.8) || late < 2 * early || late - early < 20) continue;
    findings.push({
      detector: 'api-degradation',
      pathology: 'api-degradation',
      stage: method === 'one.vm.allocate' ? 'START-PENDING' : 'total',
      hosts: [],
      evidence:
        `${method} answered in ${ms(early)} with ${small.at(-1)!.pool} or fewer VMs in the pool and in ${ms(late)} with ${large[0]!.pool} or more ` +
        `(median of ${quarter} calls each, rank correlation ${rho.toFixed(2)} over ${calls.length} calls): its cost grows with the pool`,
    });
  }
  return findings;
}
