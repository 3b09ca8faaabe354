import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LostTime } from './lost-time.js';

describe('LostTime', () => {
  it('counts busy time and late timers once each, as a cumulative function of emulated time', () => {
    const lost = new LostTime(0);
    lost.record(1_000, 0, 0); // idle and on time
    lost.record(2_000, 300, 0); // 300 ms of busy loop
    lost.record(3_000, 0, 40); // idle, but the timer woke 40 ms late (timer granularity)
    lost.record(4_000, 500, 450); // late because busy: counted once, the larger
    expect(lost.totalMs).toBe(840);
    expect(lost.between(0, 4_000)).toBe(840);
    expect(lost.between(1_000, 2_000)).toBe(300);
    expect(lost.between(2_000, 4_000)).toBe(540);
    expect(lost.between(3_000, 3_000)).toBe(0);
  });

  it('rounds an interval outwards to the samples around it, so the figure stays an upper bound', () => {
    const lost = new LostTime(0);
    lost.record(1_000, 100, 0);
    lost.record(2_000, 200, 0);
    lost.record(3_000, 400, 0);
    // [1500, 2500] lies inside (1000, 3000]: all lost there may have fallen in it
    expect(lost.between(1_500, 2_500)).toBe(600);
    // before the first sample: what the first sample holds
    expect(lost.between(0, 500)).toBe(100);
    // past the last sample: up to the last one
    expect(lost.between(2_500, 9_000)).toBe(400);
  });

  it('never counts lateness beyond the time since the last sample, nor anything negative', () => {
    const lost = new LostTime(0);
    lost.record(100, 0, 5_000); // 5 s late, but only 100 ms have passed
    lost.record(200, -3, -1);
    expect(lost.totalMs).toBe(100);
  });

  it('merges samples closer than its resolution, which can only widen a bound', () => {
    const fine = new LostTime(0);
    const coarse = new LostTime(50);
    for (let t = 10; t <= 1_000; t += 10) {
      fine.record(t, t % 100 === 0 ? 7 : 0, 0);
      coarse.record(t, t % 100 === 0 ? 7 : 0, 0);
    }
    expect(coarse.totalMs).toBe(fine.totalMs);
    for (const [a, b] of [[0, 1_000], [105, 395], [250, 260], [990, 1_000]] as const) {
      expect(coarse.between(a, b)).toBeGreaterThanOrEqual(fine.between(a, b));
    }
  });

  it('keeps any number of samples', () => {
    const lost = new LostTime(0);
    for (let i = 1; i <= 10_000; i += 1) lost.record(i, 1, 0);
    expect(lost.between(5_000, 6_000)).toBe(1_000);
    expect(lost.totalMs).toBe(10_000);
  });

  it('travels as plain data: thinned it still bounds every interval, and moved by an offset it bounds the same intervals moved', () => {
    const step = fc.record({ gap: fc.integer({ min: 1, max: 50 }), busy: fc.integer({ min: 0, max: 20 }), late: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: -5_000, max: 5_000 }), fc.array(fc.tuple(fc.nat(12_000), fc.nat(12_000))), (steps, resolution, shift, spans) => {
        const original = new LostTime(0);
        let t = 0;
        for (const s of steps) original.record((t += s.gap), s.busy, s.late);
        const copy = LostTime.fromSamples(JSON.parse(JSON.stringify(original.samples())), shift);
        const thinned = LostTime.fromSamples(original.samples(resolution));
        expect(copy.totalMs).toBe(original.totalMs);
        expect(thinned.totalMs).toBe(original.totalMs);
        for (const [a, b] of spans) {
          const [from, to] = a <= b ? [a, b] : [b, a];
          expect(copy.between(from + shift, to + shift)).toBe(original.between(from, to));
          expect(thinned.between(from, to)).toBeGreaterThanOrEqual(original.between(from, to));
        }
      }),
    );
    expect(LostTime.fromSamples({ at: [], lost: [] }).between(0, 10)).toBe(0);
  });
});
