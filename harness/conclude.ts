import { getSingle, parseTemplate } from '../opennebula/template.js';
import type { Clock } from '../sim/clock.js';
import { account } from './accounting.js';
import { evaluateBudgets } from './budgets.js';
import type { Environment } from './environment.js';
import { lagOf, type AutoFactor } from './lag.js';
import type { StackProcessLag } from './remote-clock.js';
import type { PolledVm } from './poll.js';
import { buildResult, stageStats, type Finding, type Interruption, type JsonValue, type Result, type StackNotes } from './result.js';
import type { ResolvedScenario } from './scenario.js';
import type { StageName } from './stages.js';
import type { Sample } from './stats.js';
import type { Tracer } from './trace.js';
import { maxOf } from './extremes.js';

/** How a run ended, on the trace's timeline (emulated ms). */
export interface Ending {
  /** when the burst started; null when the run was interrupted before it */
  burstAtMs: number | null;
  endAtMs: number;
  deadlineHit: boolean;
  interrupted: Interruption | null;
}

/**
 * Turns a finished run into its Result: accounting from the trace and the final poll, stage
 * statistics from the timelines (VMs the run cut off counted as censored at its end), budget
 * verdicts, the emulator's lag, the exit code.
 */
export function concludeRun(input: {
  resolved: ResolvedScenario;
  tracer: Tracer;
  ending: Ending;
  /** the stack's view of our VMs at the end; empty when it could not be polled */
  polled?: ReadonlyMap<number, PolledVm>;
  findings?: Finding[];
  clock: Pick<Clock, 'kind' | 'lag' | 'distortion'>;
  /** how scaled:auto chose the clock's factor, when it did */
  auto?: AutoFactor | null;
  /** what the stack's own process lost, when it runs apart and says (its lost time is already in `clock`) */
  stackLag?: StackProcessLag;
  environment: Environment;
  /** runs whose stack is outside this process: how boundaries were taken, whether it stopped answering */
  stack?: StackNotes;
  /** given the samples the budgets are judged on (a multi-seed run pools them) */
  onSamples?: (samples: Readonly<Record<StageName, Sample>>) => void;
}): Result {
  const { resolved, ending } = input;
  const accounting = account(input.tracer, input.polled, {
    interruptedBy: ending.interrupted?.signal ?? null,
    fitsNoHost: fitsNoHost(resolved.scenario.vms.template, resolved.hosts),
  });
  const cutOff = accounting.failures.filter((f) => f.outcome === 'timedOut');
  const samples = input.tracer.boundaries.samples({ atMs: ending.endAtMs, vms: cutOff });
  input.onSamples?.(samples);
  const stages = stageStats(samples);
  const clock = resolved.clock.kind === 'virtual' ? 'virtual' : `scaled:${resolved.clock.scale}`;
  const verdicts = evaluateBudgets(resolved.budgets, { samples, vms: accounting.vms });
  return buildResult({
    scenario: resolved.scenario as unknown as JsonValue,
    run: {
      name: resolved.scenario.name,
      profile: resolved.profile.name,
      seed: resolved.scenario.seed,
      hosts: resolved.hosts.length,
      clock,
      burstAtMs: ending.burstAtMs,
      endAtMs: ending.endAtMs,
      deadlineMs: resolved.deadlineMs,
      deadlineHit: ending.deadlineHit,
    },
    interrupted: ending.interrupted,
    accounting,
    stages,
    verdicts,
    findings: input.findings ?? [],
    lag: lagOf({
      clock: input.clock,
      stages,
      intervals: input.tracer.boundaries,
      budgets: resolved.budgets,
      verdicts,
      auto: input.auto ?? null,
      ...(input.stackLag ? { stack: input.stackLag } : {}),
    }),
    environment: input.environment,
    ...(input.stack === undefined ? {} : { stack: input.stack }),
  });
}

/**
 * Why the scenario's VM fits on no host at all, even an empty one: its template's MEMORY (MiB)
 * or CPU (cores) against the largest host's. Undefined when it fits somewhere, or when the
 * template does not say (the stack then refuses it at allocate, which the trace records).
 */
export function fitsNoHost(template: string, hosts: ReadonlyArray<{ cores: number; memoryMiB: number }>): string | undefined {
  let memoryMiB: number;
  let cpu: number;
  try {
    const parsed = parseTemplate(template);
    memoryMiB = Number(getSingle(parsed, 'MEMORY'));
    cpu = Number(getSingle(parsed, 'CPU'));
  } catch {
    return undefined;
  }
  const largestMemory = maxOf(hosts, (h) => h.memoryMiB);
  const largestCores = maxOf(hosts, (h) => h.cores);
  const short: string[] = [];
  if (memoryMiB > largestMemory) short.push(`needs ${memoryMiB} MiB of memory, the largest host has ${largestMemory} MiB`);
  if (cpu > largestCores) short.push(`needs CPU ${cpu}, the largest host has ${largestCores} cores`);
  return short.length === 0 ? undefined : short.join('; ');
}
