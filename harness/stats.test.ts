import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sample } from './stats.js';

describe('Sample', () => {
  it('matches hand-computed nearest-rank figures', () => {
    // 20 values, 1..20 s, given in ms and shuffled
    const ms = [13, 2, 20, 7, 1, 19, 4, 11, 16, 5, 8, 17, 3, 12, 9, 18, 6, 14, 10, 15].map((s) => s * 1000);
    const s = Sample.fromMs(ms);
    // ranks: p50 -> ceil(10) = 10th; p90 -> 18th; p95 -> 19th; p99 -> ceil(19.8) = 20th
    expect(s.summary()).toEqual({ count: 20, censored: 0, lowerBound: [], min: 1, mean: 10.5, p50: 10, p90: 18, p95: 19, p99: 20, max: 20 });
    expect(s.percentile(0)).toBe(1);
    expect(s.percentile(5)).toBe(1); // ceil(1) = 1st
    expect(s.percentile(5.1)).toBe(2); // ceil(1.02) = 2nd
    expect(s.percentile(100)).toBe(20);
  });

  it('takes the upper of two middle values for p50 of an even count only when the rank says so', () => {
    const s = Sample.fromMs([4000, 1000, 3000, 2000]);
    expect(s.percentile(50)).toBe(2); // ceil(2) = 2nd
    expect(s.percentile(51)).toBe(3); // ceil(2.04) = 3rd
    expect(s.percentile(75)).toBe(3);
    expect(s.percentile(99.9)).toBe(4);
  });

  it('converts milliseconds to seconds, sub-second included', () => {
    const s = Sample.fromMs([250, 1500]);
    expect(s.summary()).toMatchObject({ min: 0.25, max: 1.5, mean: 0.875 });
  });

  it('gives nulls and a zero count for an empty stage', () => {
    expect(Sample.fromMs([]).summary()).toEqual({
      count: 0, censored: 0, lowerBound: [], min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null,
    });
  });

  it('rejects a non-finite duration and a percentile out of range', () => {
    expect(() => Sample.fromMs([1, Number.NaN])).toThrow(/duration 1/);
    expect(() => Sample.fromMs([1]).percentile(101)).toThrow(/between 0 and 100/);
  });

  it('agrees with a sort-and-count definition on random data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const v = Sample.fromMs(values).percentile(p)!;
          const secs = values.map((x) => x / 1000);
          const atOrBelow = secs.filter((x) => x <= v).length;
          const below = secs.filter((x) => x < v).length;
          // at least p% at or below it, and it is the smallest such observed value
          expect(atOrBelow / secs.length).toBeGreaterThanOrEqual(p / 100 - 1e-9);
          expect(below / secs.length).toBeLessThan(Math.max(p / 100, 1 / secs.length) + 1e-9);
        },
      ),
    );
  });

  it('counts censored values and marks exactly the statistics they can raise as lower bounds', () => {
    // 1..8 s measured, two VMs cut off after 5 s and 100 s
    const s = Sample.fromMs([1, 2, 3, 4, 5, 6, 7, 8].map((x) => x * 1000), [5000, 100_000]);
    expect(s.summary()).toEqual({
      count: 10, censored: 2, lowerBound: ['mean', 'p50', 'p90', 'p95', 'p99', 'max'], min: 1, mean: 14.1, p50: 5, p90: 8, p95: 100, p99: 100, max: 100,
    });
    // p50 is 5 s, measured; the censored 5 s sorts after it, but at the same value: taken as a bound
    expect(s.isLowerBound(5)).toBe(true);
    expect(s.isLowerBound(4)).toBe(false);
    expect(Sample.fromMs([1000], [500]).summary().lowerBound).toEqual(['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max']);
    expect(() => Sample.fromMs([1], [Number.POSITIVE_INFINITY])).toThrow(/censored duration 0/);
  });

  it('never lowers a statistic when a value is censored instead of left out, on random data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 10 }),
        (measured, cut) => {
          const without = Sample.fromMs(measured).summary();
          const withCut = Sample.fromMs(measured, cut).summary();
          // left out, the cut-off VMs could only lower a bound-marked figure; every unmarked figure is exact
          for (const stat of ['p50', 'p90', 'p95', 'p99', 'max'] as const) {
            if (!withCut.lowerBound.includes(stat)) expect(withCut[stat]).toBe(Sample.fromMs(measured, cut.map(() => 1e12)).summary()[stat]);
          }
          expect(withCut.count).toBe(without.count + cut.length);
        },
      ),
    );
  });
});
