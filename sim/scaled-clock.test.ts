import { describe, expect, it } from 'vitest';
import { LatenessHistogram, ScaledClock } from './scaled-clock.js';

describe('ScaledClock', () => {
  it('runs emulated time faster than wall time and never fires a timer early', async () => {
    const clock = new ScaledClock(1000);
    const before = clock.now();
    await clock.sleep(200); // 0.2 wall ms
    expect(clock.now() - before).toBeGreaterThanOrEqual(200);
    const lag = clock.lag();
    expect(lag.timers).toBe(1);
    expect(lag.maxMs).toBeGreaterThanOrEqual(0);
  });

  it('rejects a scale that is not positive', () => {
    expect(() => new ScaledClock(0)).toThrow(/positive/);
  });
});

describe('LatenessHistogram', () => {
  it('summarises with bounded relative error', () => {
    const h = new LatenessHistogram();
    for (let i = 1; i <= 1000; i += 1) h.add(i);
    const s = h.summary();
    expect(s.timers).toBe(1000);
    expect(s.meanMs).toBeCloseTo(500.5, 9);
    expect(s.maxMs).toBe(1000);
    expect(s.p99Ms / 990).toBeGreaterThan(0.97);
    expect(s.p99Ms / 990).toBeLessThan(1.03);
  });
});
