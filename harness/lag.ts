import type { Clock } from '../sim/clock.js';
import type { StageName } from './stages.js';
import type { StageStats } from './stats.js';

/** How far the emulator fell behind its own schedule during the run (docs/architecture.md, "Lag"). */
export interface Lag {
  clock: 'virtual' | 'scaled';
  /** timers that fired */
  timers: number;
  /** lateness of timers, in emulated ms (0 in virtual time, by construction) */
  meanMs: number;
  p99Ms: number;
  maxMs: number;
  /** set when the lag is large enough to distort a stage: one sentence naming it */
  warning: string | null;
}

/** Lag above this share of a stage's median may be the emulator's doing rather than the stack's. */
const DISTORTION_SHARE = 0.05;

export function lagOf(clock: Pick<Clock, 'kind' | 'lag'>, stages: Readonly<Record<StageName, StageStats>>): Lag {
  const { timers, meanMs, p99Ms, maxMs } = clock.lag();
  let warning: string | null = null;
  if (p99Ms > 0) {
    // The stage most sensitive to late timers is the one with the shortest typical duration.
    let worst: { stage: StageName; p50: number } | undefined;
    for (const [stage, stats] of Object.entries(stages) as Array<[StageName, StageStats]>) {
      if (stats.p50 !== null && stats.p50 > 0 && (!worst || stats.p50 < worst.p50)) worst = { stage, p50: stats.p50 };
    }
    if (worst && p99Ms / 1000 > DISTORTION_SHARE * worst.p50) {
      warning =
        `emulator lag (p99 ${(p99Ms / 1000).toFixed(3)} s late) exceeds ${DISTORTION_SHARE * 100}% of the ${worst.stage} ` +
        `median (${worst.p50.toFixed(3)} s): that stage may measure the emulator, not the stack; lower the clock scale`;
    }
  }
  return { clock: clock.kind, timers, meanMs, p99Ms, maxMs, warning };
}
