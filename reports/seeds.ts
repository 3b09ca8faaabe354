import type { Result } from '../harness/result.js';
import { seconds } from './format.js';

export const SEED_COLUMNS = ['seed', 'up', 'total mean', 'p95', 'max', 'budgets failed', 'findings'] as const;

/**
 * A multi-seed run's per-seed lines and, last, the spread (lowest..highest seed): what shows
 * whether a verdict on the pooled sample rests on every seed or on one. None for a single seed.
 */
export function seedRows(result: Result): string[][] {
  if (!result.seeds) return [];
  const rows = result.seeds.runs.map((r) => [
    String(r.seed),
    `${r.vms.up}/${r.vms.requested}`,
    seconds(r.stages.total.mean),
    seconds(r.stages.total.p95),
    seconds(r.stages.total.max),
    String(r.budgets.filter((v) => !v.pass).length),
    r.findings.length === 0 ? '-' : r.findings.join(', '),
  ]);
  const s = result.seeds.spread.total;
  const range = (x: { min: number | null; max: number | null }): string => `${seconds(x.min)}..${seconds(x.max)}`;
  rows.push(['spread', '', range(s.mean), range(s.p95), range(s.max), '', '']);
  return rows;
}

/** "Pooled over 5 seeds (1..5): 2560 VMs." */
export function seedHeadline(result: Result): string {
  const runs = result.seeds?.runs ?? [];
  return `Budgets judged on the pooled sample of ${runs.length} seeds (${runs.map((r) => r.seed).join(', ')}): ${result.vms.requested} VMs.`;
}
