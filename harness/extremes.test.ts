import { describe, expect, it } from 'vitest';
import { maxOf, minOf } from './extremes.js';

describe('maxOf / minOf', () => {
  it('takes 200,000 values, more than Math.max(...values) takes as arguments', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 200_003);
    expect(maxOf(values)).toBe(200_002);
    expect(minOf(values)).toBe(0);
    expect(maxOf(values, (v) => 1 - v)).toBe(1);
    expect(minOf(values, (v) => 1 - v)).toBe(-200_001);
  });

  it('keeps Math.max and Math.min results for none, NaN and signed zeros', () => {
    expect(maxOf([])).toBe(Number.NEGATIVE_INFINITY);
    expect(minOf([])).toBe(Number.POSITIVE_INFINITY);
    expect(maxOf([1, Number.NaN, 3])).toBeNaN();
    expect(minOf([1, Number.NaN, 3])).toBeNaN();
    expect(Object.is(maxOf([-0, 0]), 0)).toBe(true);
    expect(Object.is(minOf([0, -0]), -0)).toBe(true);
  });

  it('reads any iterable, a Map of counts included', () => {
    const counts = new Map([
      ['a', 3],
      ['b', 9],
      ['c', 1],
    ]);
    expect(maxOf(counts.values())).toBe(9);
    expect(minOf(counts.values())).toBe(1);
    expect(maxOf(counts, ([, n]) => n * 2)).toBe(18);
  });
});
