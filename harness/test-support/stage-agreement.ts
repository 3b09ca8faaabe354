import type { Result } from '../result.js';
import { STAGES, type StageName } from '../stages.js';

export interface StageAgreement {
  stage: StageName;
  a: number;
  b: number;
  difference: number;
  /** what the two runs' figures may differ by without either being wrong, emulated s */
  allowed: number;
}

/**
 * Two real-time runs of one scenario, stage by stage: their means may differ by what each run's
 * lag bounds (the emulator's own time), plus `extraS` (e.g. a farm shard's offset error), plus,
 * for the stages a scheduling cycle starts (PENDING-PROLOG, and so the total), one SCHED_INTERVAL:
 * in real time the phase of the scheduler's cycle against the burst is arbitrary, in both runs.
 */
export function stageAgreement(a: Result, b: Result, schedIntervalS: number, extraS = 0): StageAgreement[] {
  return STAGES.map((stage) => {
    const ma = a.stages[stage].mean!;
    const mb = b.stages[stage].mean!;
    const phase = stage === 'PENDING-PROLOG' || stage === 'total' ? schedIntervalS : 0;
    return { stage, a: ma, b: mb, difference: Math.abs(ma - mb), allowed: a.lag.bounds[stage].mean + b.lag.bounds[stage].mean + extraS + phase };
  });
}
