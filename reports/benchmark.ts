import type { Result } from '../harness/result.js';
import type { StageName } from '../harness/stages.js';
import type { StatisticName } from '../harness/stats.js';
import { seconds } from './format.js';
import type { Reporter } from './reporter.js';

/** One entry of github-action-benchmark's `customSmallerIsBetter` input. */
export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  /** shown beside the value on the action's chart */
  extra?: string;
}

/**
 * benchmark.json: every stage statistic of the run (and the VMs that did not come up) as
 * github-action-benchmark's `customSmallerIsBetter` entries, so the nightly's trends across nights
 * are kept and charted by that action. Names carry the scenario's, so two scenarios share a page;
 * a stage no VM reached has no entry (the action takes numbers only). Lower bounds and a
 * multi-seed run's spread say so in `extra`.
 */
const STATISTICS: readonly StatisticName[] = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'];

export function benchmarkEntries(result: Result): BenchmarkEntry[] {
  const name = result.run.name;
  const entries: BenchmarkEntry[] = [];
  for (const stage of Object.keys(result.stages) as StageName[]) {
    const s = result.stages[stage];
    for (const stat of STATISTICS) {
      const value = s[stat];
      if (value === null) continue;
      const notes: string[] = [];
      if (s.lowerBound.includes(stat)) notes.push(`lower bound: ${s.censored} of ${s.count} VMs cut off`);
      const spread = result.seeds?.spread[stage][stat];
      if (result.seeds && spread && spread.min !== null && spread.max !== null) {
        notes.push(`pooled over ${result.seeds.runs.length} seeds; per seed ${seconds(spread.min)}..${seconds(spread.max)} s`);
      }
      entries.push({ name: `${name} ${stage} ${stat}`, unit: 's', value, ...(notes.length > 0 ? { extra: notes.join('; ') } : {}) });
    }
  }
  entries.push({
    name: `${name} VMs not up`,
    unit: 'VMs',
    value: result.vms.failed + result.vms.timedOut,
    extra: `${result.vms.failed} failed, ${result.vms.timedOut} timed out of ${result.vms.requested}`,
  });
  return entries;
}

export const benchmark: Reporter = {
  name: 'benchmark',
  files: ['benchmark.json'],
  render: (result) => [{ name: 'benchmark.json', content: `${JSON.stringify(benchmarkEntries(result), null, 2)}\n` }],
};
