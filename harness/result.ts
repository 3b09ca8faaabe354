import type { Accounting, VmFailure } from './accounting.js';
import type { Verdict, VmCounts } from './budgets.js';
import type { Environment } from './environment.js';
import type { Lag } from './lag.js';
import { STAGES, type StageName } from './stages.js';
import type { Sample, StageStats } from './stats.js';

/**
 * Exit codes keep verdicts apart (docs/architecture.md, "Exit codes"): a user's CI can tell a slow stack from a broken test.
 */
export const ExitCode = {
  /** every budget held and no detector fired */
  OK: 0,
  /** a budget failed or a detector named a pathology */
  VERDICT: 1,
  /** the harness could not run: bad scenario or flag, unreachable stack, a defect */
  COULD_NOT_RUN: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A detector's verdict: a pathology named with a sentence of evidence, numbers included, e.g.
 * "VMM deploys on host-03 never overlapped (max 1 in flight) while up to 31 waited".
 */
export interface Finding {
  /** the detector that fired (harness/detect/), e.g. `per-host-serialization` */
  detector: string;
  /** what it names: a pathology of the reference stack (`vmm-host-lock`) or a pattern (`thread-pool-cap`) */
  pathology: string;
  /** the stage the pathology made slower */
  stage: StageName;
  /** the hosts the evidence is about, in name order; empty when the pathology is cloud-wide */
  hosts: string[];
  /** one sentence with the numbers that prove it: host, stage, counts, seconds */
  evidence: string;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What result.json holds. Figures are emulated seconds at full precision (rounding to 0.1 s
 * happens only when rendering), computed in a fixed order so that the same scenario and seed
 * give the same bytes. Only `environment` differs between two such runs.
 */
export interface Result {
  /** the scenario as run, every default filled in */
  scenario: JsonValue;
  vms: VmCounts;
  /** every VM that is not up, in burst order: failed with its reason, or timed out in its last state */
  failures: VmFailure[];
  stages: Record<StageName, StageStats>;
  budgets: Verdict[];
  findings: Finding[];
  crossCheck: Accounting['crossCheck'];
  lag: Lag;
  exitCode: ExitCode;
  environment: Environment;
}

export function exitCodeOf(verdicts: readonly Verdict[], findings: readonly Finding[]): ExitCode {
  return verdicts.some((v) => !v.pass) || findings.length > 0 ? ExitCode.VERDICT : ExitCode.OK;
}

export function stageStats(samples: Readonly<Record<StageName, Sample>>): Record<StageName, StageStats> {
  const out = {} as Record<StageName, StageStats>;
  for (const stage of STAGES) out[stage] = samples[stage].summary();
  return out;
}

export function buildResult(parts: {
  scenario: JsonValue;
  accounting: Accounting;
  stages: Record<StageName, StageStats>;
  verdicts: Verdict[];
  findings?: Finding[];
  lag: Lag;
  environment: Environment;
}): Result {
  const findings = parts.findings ?? [];
  return {
    scenario: parts.scenario,
    vms: parts.accounting.vms,
    failures: parts.accounting.failures,
    stages: parts.stages,
    budgets: parts.verdicts,
    findings,
    crossCheck: parts.accounting.crossCheck,
    lag: parts.lag,
    exitCode: exitCodeOf(parts.verdicts, findings),
    environment: parts.environment,
  };
}
