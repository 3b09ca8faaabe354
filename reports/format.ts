import type { VmFailure } from '../harness/accounting.js';
import type { Verdict } from '../harness/budgets.js';
import type { Lag } from '../harness/lag.js';
import type { Result } from '../harness/result.js';
import type { StageStats } from '../harness/stats.js';

/**
 * What the terminal, summary.md and junit.xml say, written once so they say it the same way.
 * Every duration a user reads is in emulated seconds, to 0.1 s.
 */

/**
 * 61.23 -> "61.2"; null -> "-". Halves round up as a reader expects (4.55 -> "4.6"), which
 * toFixed alone does not do for values stored just below the half in binary.
 */
export function seconds(x: number | null, digits = 1): string {
  if (x === null) return '-';
  const scale = 10 ** digits;
  return (Math.round(Number((x * scale).toPrecision(12))) / scale).toFixed(digits);
}

export const TABLE_COLUMNS = ['stage', 'VMs', 'mean', 'p50', 'p95', 'max'] as const;

/** The stage table's rows, in stage order: name, VM count, then mean/p50/p95/max in seconds. */
export function stageRows(stages: Readonly<Record<string, StageStats>>): string[][] {
  return Object.entries(stages).map(([stage, s]) => [stage, String(s.count), seconds(s.mean), seconds(s.p50), seconds(s.p95), seconds(s.max)]);
}

/** The measured value of a verdict, with enough digits that it visibly agrees with the verdict. */
export function verdictActual(v: Verdict): string {
  if (v.actual === null) return 'no data';
  if (v.unit === 'count') return `${v.actual} VM${v.actual === 1 ? '' : 's'}`;
  if (v.unit === '%') return `${trim(v.actual.toFixed(2))}%`;
  // 4.96 s shown as "5.0 s" next to "max < 5s: failed" would look like a harness bug
  return `${seconds(v.actual, Math.abs(v.actual - v.threshold) < 0.05 ? 3 : 1)} s`;
}

/** "total p95 < 80s" */
export function verdictName(v: Verdict): string {
  return `${v.stage} ${v.expression}`;
}

/** One sentence: what was budgeted, what was measured, and whether it held. */
export function verdictSentence(v: Verdict): string {
  if (v.actual === null) return `${verdictName(v)} failed: no VM has the stage ${v.stage}, so nothing could be measured`;
  return `${verdictName(v)} ${v.pass ? 'held' : 'failed'}: measured ${verdictActual(v)}`;
}

/** One line: how many VMs came up, the headline figures, the verdicts. */
export function summaryLine(result: Result): string {
  const { vms, stages, budgets, findings } = result;
  const failedBudgets = budgets.filter((v) => !v.pass).length;
  const total = stages.total;
  const parts = [
    `${vms.requested} VMs requested: ${vms.up} up, ${vms.failed} failed, ${vms.timedOut} timed out`,
    total.count > 0 ? `total mean ${seconds(total.mean)} s, p95 ${seconds(total.p95)} s` : 'no VM came up',
    budgets.length === 0 ? 'no budgets' : failedBudgets === 0 ? `all ${budgets.length} budgets held` : `${failedBudgets} of ${budgets.length} budgets failed`,
  ];
  if (findings.length > 0) parts.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${findings.map((f) => f.pathology).join(', ')}`);
  return `${parts.join('; ')} (exit ${result.exitCode})`;
}

export function lagLine(lag: Lag): string {
  const base =
    lag.clock === 'virtual'
      ? `Emulator lag: none (virtual clock, ${lag.timers} timers).`
      : `Emulator lag: timers fired late by mean ${lag.meanMs.toFixed(1)} ms, p99 ${lag.p99Ms.toFixed(1)} ms, ` +
        `max ${lag.maxMs.toFixed(1)} ms (emulated; scaled clock, ${lag.timers} timers).`;
  return lag.warning ? `${base} Warning: ${lag.warning}.` : base;
}

export interface FailureGroup {
  outcome: VmFailure['outcome'];
  stage: string;
  reason: string;
  count: number;
  /** up to five VM ids (or burst positions, for VMs without an id), in burst order */
  examples: string[];
}

/** Failures with the same outcome, stage and reason, largest group first. */
export function groupFailures(failures: readonly VmFailure[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const f of failures) {
    const key = `${f.outcome}\u0000${f.stage}\u0000${f.reason}`;
    let g = groups.get(key);
    if (!g) {
      g = { outcome: f.outcome, stage: f.stage, reason: f.reason, count: 0, examples: [] };
      groups.set(key, g);
    }
    g.count += 1;
    if (g.examples.length < 5) g.examples.push(f.vmId === null ? `#${f.index}` : String(f.vmId));
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** Plain-text table with right-aligned numbers, for terminals and logs. */
export function textTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function trim(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
