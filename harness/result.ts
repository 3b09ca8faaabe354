import type { ObservationReport } from './polled-stages.js';
import type { Accounting, VmFailure } from './accounting.js';
import type { Verdict, VmCounts } from './budgets.js';
import type { Environment } from './environment.js';
import type { Lag } from './lag.js';
import type { RunSeries } from './series.js';
import type { ShardReport } from './farm-shards.js';
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
  /** interrupted by SIGINT (Ctrl-C): 128 + 2, as a shell reports it */
  SIGINT: 130,
  /** interrupted by SIGTERM (a cancelled or timed-out CI job): 128 + 15 */
  SIGTERM: 143,
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

/** The run as a header names it, and how and when it ended. */
export interface RunInfo {
  /** the scenario's name: junit.xml's testsuite name, so two scenarios' files do not collide */
  name: string;
  profile: string;
  seed: number;
  hosts: number;
  /** `virtual` or `scaled:FACTOR` */
  clock: string;
  /** the emulated ms at which the burst started, on the trace's timeline (`t`); null if it never did */
  burstAtMs: number | null;
  /** the emulated ms at which the run ended, on the trace's timeline */
  endAtMs: number;
  /** emulated ms after the burst's start at which the run is cut off */
  deadlineMs: number;
  /** the run ended at its deadline with VMs still on their way */
  deadlineHit: boolean;
}

/** A run ended early by a signal (the CLI's Ctrl-C or SIGTERM), or by its caller (`abort`). */
export interface Interruption {
  signal: string;
}

/**
 * What result.json holds. Figures are emulated seconds at full precision (rounding to 0.1 s
 * happens only when rendering), computed in a fixed order so that the same scenario and seed
 * give the same bytes. Only `environment` differs between two such runs.
 */
export interface Result {
  /** the scenario as run, every default filled in */
  scenario: JsonValue;
  run: RunInfo;
  /** null when the run ended by itself (every VM settled, or its deadline) */
  interrupted: Interruption | null;
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
  /** a run over several seeds: each seed's figures and the spread; the fields above are the pooled sample's */
  seeds?: SeedRuns;
  /** what the report's charts draw, derived from the trace (harness/series.ts); a multi-seed run's are its first seed's */
  series?: RunSeries;
  /** the `stampede farm` shards the run's farm was spread over, each with its measured clock offset (harness/farm-shards.ts) */
  shards?: ShardReport[];
  /** runs whose stack is not in this process (process, endpoint): how the boundaries were taken, and whether the stack stopped answering */
  stack?: StackNotes;
}

/** What a run learnt about a stack outside its process (docs/architecture.md, "Against a real OpenNebula"). */
export interface StackNotes {
  observation: ObservationReport;
  /** the first look at the stack that failed, from the burst's start (emulated seconds); null if every look was answered */
  stoppedAnswering: { atS: number; error: string; sentence: string } | null;
  /** the last lines of the stack's log (endpoint option `log`), saved when it stopped answering */
  logTail: string[];
}

/** One seed's run of a multi-seed scenario, as its own result would have it. */
export interface SeedRun {
  seed: number;
  vms: VmCounts;
  stages: Record<StageName, StageStats>;
  budgets: Verdict[];
  /** pathologies the detectors named in this seed's run */
  findings: string[];
  exitCode: ExitCode;
}

/**
 * `--seeds`: the scenario once per seed, budgets judged on the pooled sample (every VM of every
 * seed), and here each seed's figures and, per stage and statistic, the lowest and highest seed.
 */
export interface SeedRuns {
  runs: SeedRun[];
  spread: Record<StageName, Record<Exclude<keyof StageStats, 'count'>, { min: number | null; max: number | null }>>;
}

/** An interrupted run exits as a shell reports its signal (SIGTERM 143, else 130), whatever it measured. */
export function exitCodeOf(verdicts: readonly Verdict[], findings: readonly Finding[], interrupted: Interruption | null = null): ExitCode {
  if (interrupted) return interrupted.signal === 'SIGTERM' ? ExitCode.SIGTERM : ExitCode.SIGINT;
  return verdicts.some((v) => !v.pass) || findings.length > 0 ? ExitCode.VERDICT : ExitCode.OK;
}

export function stageStats(samples: Readonly<Record<StageName, Sample>>): Record<StageName, StageStats> {
  const out = {} as Record<StageName, StageStats>;
  for (const stage of STAGES) out[stage] = samples[stage].summary();
  return out;
}

export function buildResult(parts: {
  scenario: JsonValue;
  run: RunInfo;
  interrupted: Interruption | null;
  accounting: Accounting;
  stages: Record<StageName, StageStats>;
  verdicts: Verdict[];
  findings?: Finding[];
  lag: Lag;
  environment: Environment;
  stack?: StackNotes;
}): Result {
  const findings = parts.findings ?? [];
  return {
    scenario: parts.scenario,
    run: parts.run,
    interrupted: parts.interrupted,
    vms: parts.accounting.vms,
    failures: parts.accounting.failures,
    stages: parts.stages,
    budgets: parts.verdicts,
    findings,
    crossCheck: parts.accounting.crossCheck,
    lag: parts.lag,
    exitCode: exitCodeOf(parts.verdicts, findings, parts.interrupted),
    environment: parts.environment,
    ...(parts.stack === undefined ? {} : { stack: parts.stack }),
  };
}
