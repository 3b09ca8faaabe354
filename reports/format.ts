import type { VmFailure } from '../harness/accounting.js';
import type { Verdict } from '../harness/budgets.js';
import type { Lag } from '../harness/lag.js';
import type { Result } from '../harness/result.js';
import type { StageStats, StatisticName } from '../harness/stats.js';

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

/** A stage statistic in seconds; one that includes VMs cut off by the end of the run reads `>= 3600.0`. */
export function statistic(s: StageStats, name: StatisticName): string {
  const text = seconds(s[name]);
  return s.lowerBound.includes(name) ? `>= ${text}` : text;
}

/** The stage table's rows, in stage order: name, VMs (and how many were cut off), then mean/p50/p95/max in seconds. */
export function stageRows(stages: Readonly<Record<string, StageStats>>): string[][] {
  return Object.entries(stages).map(([stage, s]) => [
    stage,
    s.censored > 0 ? `${s.count} (${s.censored} cut off)` : String(s.count),
    ...(['mean', 'p50', 'p95', 'max'] as const).map((name) => statistic(s, name)),
  ]);
}

/** Under the stage table, when any figure is a lower bound: what `>=` means. */
export function censoredNote(result: Result): string | undefined {
  if (!Object.values(result.stages).some((s) => s.censored > 0)) return undefined;
  const end = result.interrupted ? `the interruption (${result.interrupted.signal})` : 'the deadline';
  return `VMs cut off by ${end} count with the time they had spent in their stage; a figure that includes them is a lower bound (>=).`;
}

/** The measured value of a verdict, with enough digits that it visibly agrees with the verdict. */
export function verdictActual(v: Verdict): string {
  if (v.actual === null) return 'no data';
  if (v.unit === 'count') return `${v.actual} VM${v.actual === 1 ? '' : 's'}`;
  if (v.unit === '%') return `${trim(v.actual.toFixed(2))}%`;
  // 4.96 s shown as "5.0 s" next to "max < 5s: failed" would look like a harness bug
  const text = `${seconds(v.actual, Math.abs(v.actual - v.threshold) < 0.05 ? 3 : 1)} s`;
  return v.lowerBound ? `>= ${text}` : text;
}

/** "total p95 < 80s" */
export function verdictName(v: Verdict): string {
  return `${v.stage} ${v.expression}`;
}

/** One sentence: what was budgeted, what was measured, and whether it held. */
export function verdictSentence(v: Verdict): string {
  if (v.actual === null) return `${verdictName(v)} failed: no VM has the stage ${v.stage}, so nothing could be measured`;
  if (v.lowerBound && !v.pass) {
    // the true figure is at least `actual`: below and at most a threshold can still break, never above
    const breaks = v.operator === '<' || v.operator === '<=' || v.operator === '==' ? !lowerBoundMayHold(v.actual, v.operator, v.threshold) : false;
    const how = breaks ? 'that already breaks the budget' : 'that cannot show the budget held';
    return `${verdictName(v)} failed: measured ${verdictActual(v)}, a lower bound (it counts VMs cut off by the end of the run) ${how}`;
  }
  return `${verdictName(v)} ${v.pass ? 'held' : 'failed'}: measured ${verdictActual(v)}`;
}

/** The whole run's verdict in a few words: interrupted, budgets held, budgets failed, or findings. */
export function verdictHeadline(result: Result): string {
  if (result.interrupted) return `interrupted by ${result.interrupted.signal}: the figures are partial`;
  const failedBudgets = result.budgets.filter((v) => !v.pass).length;
  if (failedBudgets > 0) return `${failedBudgets} of ${result.budgets.length} budgets failed`;
  if (result.findings.length > 0) return 'a detector fired';
  return result.budgets.length === 0 ? 'no budgets' : 'all budgets held';
}

/**
 * One line: how many VMs came up, the headline figures, the verdicts, the exit code. The CLI
 * prints it last, summary.md under its title, and the suites' failure messages quote it.
 */
export function summaryLine(result: Result): string {
  const { vms, stages, budgets, findings, interrupted } = result;
  const failedBudgets = budgets.filter((v) => !v.pass).length;
  const total = stages.total;
  const parts = [
    `${vms.requested} VMs requested: ${vms.up} up, ${vms.failed} failed, ${vms.timedOut} ${interrupted ? `cut off by ${interrupted.signal}` : 'timed out'}`,
    total.count > 0 ? `total mean ${statistic(total, 'mean')} s, p95 ${statistic(total, 'p95')} s` : 'no VM came up',
  ];
  if (interrupted) parts.push(`interrupted after ${seconds(emulatedSpan(result))} s: the figures are partial`);
  else parts.push(budgets.length === 0 ? 'no budgets' : failedBudgets === 0 ? `all ${budgets.length} budgets held` : `${failedBudgets} of ${budgets.length} budgets failed`);
  if (findings.length > 0) parts.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${findings.map((f) => f.pathology).join(', ')}`);
  return `${parts.join('; ')} (exit ${result.exitCode})`;
}

/** Emulated seconds from the burst's start to the run's end (0 when the burst never started). */
export function emulatedSpan(result: Result): number {
  const { burstAtMs, endAtMs } = result.run;
  return burstAtMs === null ? 0 : (endAtMs - burstAtMs) / 1000;
}

/** What ran and how it ended: scenario, profile, seed, size, clock, emulated span. */
export function runLine(result: Result): string {
  const { run, interrupted } = result;
  const ended = interrupted
    ? `interrupted by ${interrupted.signal}`
    : run.deadlineHit
      ? `cut off at the deadline (${seconds(run.deadlineMs / 1000)} s)`
      : 'every VM settled';
  return (
    `Scenario ${run.name}, profile ${run.profile}, seed ${run.seed}: ${result.vms.requested} VMs on ${run.hosts} hosts, ` +
    `${run.clock} clock; the burst ran ${seconds(emulatedSpan(result))} emulated seconds, ${ended}.`
  );
}

export function lagLine(lag: Lag): string {
  if (lag.clock === 'virtual') {
    const base = `Emulator lag: none (virtual clock, ${lag.timers} timers).`;
    return lag.warning ? `${base} Warning: ${lag.warning}.` : base;
  }
  const auto = lag.auto;
  const clock = auto
    ? `scaled:${lag.factor}, the factor scaled:auto chose to keep the bound under ${Math.round(auto.target * 100)}% of the total mean ` +
      `(its calibration, ${auto.calibration}: total mean ${seconds(auto.calibrationTotalMean)} s, ` +
      `${(auto.workPerVmMs / 1000).toFixed(2)} s of harness work per VM, predicted bound ${auto.predictedBound.toFixed(2)} s` +
      (auto.probe === null
        ? ')'
        : auto.probe.factor === lag.factor
          ? `; a probe at that factor measured ${auto.probe.bound.toFixed(2)} s)`
          : `; a probe at scaled:${auto.probe.factor} measured ${auto.probe.bound.toFixed(2)} s, so the factor was lowered)`)
    : `scaled:${lag.factor}`;
  const base =
    `Emulator lag (${clock}): the harness and farm took ${seconds(lag.lostMs / 1000)} s of emulated time, busy or late, ` +
    (lag.stack ? `and the stack's own process ${seconds(lag.stack.lostMs / 1000)} s (its timers late by p99 ${lag.stack.p99Ms.toFixed(1)} ms), ` : '') +
    `which may have stretched the total mean by up to ${lag.bounds.total.mean.toFixed(2)} s and its slowest VM by up to ` +
    `${lag.bounds.total.quantiles.toFixed(2)} s; timers fired late by mean ${lag.meanMs.toFixed(1)} ms, p99 ${lag.p99Ms.toFixed(1)} ms, ` +
    `max ${lag.maxMs.toFixed(1)} ms (emulated, ${lag.timers} timers).`;
  return lag.warning ? `${base} Warning: ${lag.warning}.` : base;
}

export interface FailureGroup {
  outcome: VmFailure['outcome'];
  stage: string;
  reason: string;
  count: number;
  /** up to five VMs as vmName gives them, in burst order */
  examples: string[];
}

/**
 * How every report names a VM: `VM 12` is the stack's id, with its host when it had one
 * (`VM 12 on host-03`); a request the stack never gave an id is `request 3`, its position in the burst.
 */
export function vmName(f: Pick<VmFailure, 'index' | 'vmId' | 'host'>): string {
  if (f.vmId === null) return `request ${f.index}`;
  return f.host === null ? `VM ${f.vmId}` : `VM ${f.vmId} on ${f.host}`;
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
    if (g.examples.length < 5) g.examples.push(vmName(f));
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

/** Whether some true figure at or above the lower bound `actual` could meet `operator threshold`. */
function lowerBoundMayHold(actual: number, operator: '<' | '<=' | '==', threshold: number): boolean {
  return operator === '<' ? actual < threshold : actual <= threshold;
}

function trim(fixed: string): string {
  return fixed.replace(/\.?0+$/, '');
}
