import { describe, expect, it } from 'vitest';
import { lagOf } from './lag.js';
import { STAGES, type StageName } from './stages.js';
import type { StageStats } from './stats.js';

const stats = (p50: number | null): StageStats => ({ count: p50 === null ? 0 : 1, censored: 0, lowerBound: [], min: p50, mean: p50, p50, p90: p50, p95: p50, p99: p50, max: p50 });

function stagesWith(p50s: Partial<Record<StageName, number>>): Record<StageName, StageStats> {
  const out = {} as Record<StageName, StageStats>;
  for (const s of STAGES) out[s] = stats(p50s[s] ?? null);
  return out;
}

describe('lagOf', () => {
  it('reports none for a virtual clock', () => {
    const lag = lagOf({ kind: 'virtual', lag: () => ({ timers: 42, meanMs: 0, p99Ms: 0, maxMs: 0 }) }, stagesWith({ total: 30 }));
    expect(lag).toEqual({ clock: 'virtual', timers: 42, meanMs: 0, p99Ms: 0, maxMs: 0, warning: null });
  });

  it('warns, naming the stage, when late timers could distort the shortest stage', () => {
    const clock = { kind: 'scaled' as const, lag: () => ({ timers: 9, meanMs: 20, p99Ms: 60, maxMs: 80 }) };
    // START-PENDING's median is 1 s: 60 ms is 6% of it
    expect(lagOf(clock, stagesWith({ 'START-PENDING': 1, total: 30 })).warning).toBe(
      'emulator lag (p99 0.060 s late) exceeds 5% of the START-PENDING median (1.000 s): that stage may measure the emulator, not the stack; lower the clock scale',
    );
    expect(lagOf(clock, stagesWith({ 'START-PENDING': 2, total: 30 })).warning).toBeNull();
  });
});
