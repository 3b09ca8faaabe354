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

describe('ScaledClock, what the emulator took', () => {
  it("adds the event loop's busy time, read at every timer, to the lost time of the interval it fell in", async () => {
    // The busy meter is injected: 10 wall ms of busy loop reported at the first read after the start.
    let busy = 0;
    const clock = new ScaledClock(1000, () => busy);
    busy = 10;
    await clock.sleep(100);
    const lag = clock.lag();
    expect(lag.scale).toBe(1000);
    // 10 wall ms at 1000 emulated ms per wall ms: at least 10 emulated s lost, all of it before now
    expect(lag.lostMs).toBeGreaterThanOrEqual(10_000);
    expect(clock.distortion(0, clock.now())).toBe(lag.lostMs);
    expect(clock.distortion(5, 5)).toBe(0);
  });
});
