import type { Clock } from '../sim/clock.js';
import { account } from './accounting.js';
import { evaluateBudgets, type Budget } from './budgets.js';
import type { Environment } from './environment.js';
import { lagOf } from './lag.js';
import type { PolledVm } from './poll.js';
import { buildResult, stageStats, type Finding, type JsonValue, type Result } from './result.js';
import type { Tracer } from './trace.js';

/**
 * Turns a finished run into its Result: accounting from the trace and the final poll, stage
 * statistics from the timelines, budget verdicts, the emulator's lag, the exit code.
 */
export function concludeRun(input: {
  scenario: JsonValue;
  tracer: Tracer;
  /** the stack's view of our VMs at the end; empty when it could not be polled */
  polled?: ReadonlyMap<number, PolledVm>;
  budgets: readonly Budget[];
  findings?: Finding[];
  clock: Pick<Clock, 'kind' | 'lag'>;
  environment: Environment;
}): Result {
  const accounting = account(input.tracer, input.polled);
  const samples = input.tracer.boundaries.samples();
  const stages = stageStats(samples);
  return buildResult({
    scenario: input.scenario,
    accounting,
    stages,
    verdicts: evaluateBudgets(input.budgets, { samples, vms: accounting.vms }),
    findings: input.findings ?? [],
    lag: lagOf(input.clock, stages),
    environment: input.environment,
  });
}
