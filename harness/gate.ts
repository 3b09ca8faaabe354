/**
 * The PR gate (docs/architecture.md "Baselines and the gate"): the PR suite's scenario, run on
 * the change and compared with a baseline run of the base branch. It fails as `run` does (a
 * budget failed or a detector named a pathology) and also when a stage got slower than the
 * baseline beyond a tolerance: a regression still inside the budgets is caught while it is small.
 */
import { compareResults, type Comparison, type Floors, type StatChange } from './compare.js';
import { NIGHTLY_BUDGETS, type ScenarioInput } from './scenario.js';
import { ExitCode, type Result } from './result.js';

/**
 * The PR suite (suites/pr): the nightly burst at a quarter of its size, keeping its density (32
 * VMs per host of 8 cores), so per-host contention and the stage budgets stay comparable while
 * it answers in about a second.
 */
export const PR_SCENARIO: ScenarioInput = {
  name: 'pr',
  seed: 1,
  hosts: { count: 4, cores: 8, memoryMiB: 24_576 },
  vms: { count: 128 },
  profile: 'optimized',
  deadline: '30m',
  budgets: NIGHTLY_BUDGETS as Record<string, string[]>,
};

/** The statistics a regression is judged on: the typical and the tail, not a single VM's max (budgets judge that). */
export const GATED_STATISTICS: ReadonlyArray<StatChange['statistic']> = ['mean', 'p50', 'p95', 'failed', 'timedOut', 'up'];

/** A stage slower than the baseline by more than 5% and more than 0.5 emulated seconds fails the gate. */
export const GATE_TOLERANCE: Floors = { relative: 0.05, absolute: 0.5 };

export interface GateVerdict {
  exitCode: ExitCode;
  comparison: Comparison | null;
  /** worse than the baseline beyond the tolerance; outcome counts beyond none */
  regressions: StatChange[];
}

export function judgeGate(head: Result, base: Result | null, tolerance: Floors = GATE_TOLERANCE): GateVerdict {
  const comparison = base === null ? null : compareResults(base, head);
  const regressions = (comparison?.changes ?? []).filter((c) => c.verdict === 'worse' && GATED_STATISTICS.includes(c.statistic) && beyond(c, tolerance));
  const exitCode = head.exitCode !== ExitCode.OK || regressions.length > 0 ? ExitCode.VERDICT : ExitCode.OK;
  return { exitCode, comparison, regressions };
}

function beyond(c: StatChange, tolerance: Floors): boolean {
  if (c.stage === 'vms') return true; // one VM more failed is a regression, whatever the tolerance
  if (c.delta === null) return true; // a stage the baseline measured and the head did not
  return Math.abs(c.delta) > tolerance.absolute && (c.relative === null || Math.abs(c.relative) > tolerance.relative);
}
