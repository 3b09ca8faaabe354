import type { Result } from '../../harness/result.js';

export function summaryLine(r: Result): string {
  const t = r.stages.total;
  return `${r.vms.up}/${r.vms.requested} up, ${r.vms.failed} failed, ${r.vms.timedOut} timed out; total mean ${seconds(t.mean)}, max ${seconds(t.max)}`;
}

const seconds = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} s`);
