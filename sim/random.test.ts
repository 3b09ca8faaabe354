import { describe, expect, it } from 'vitest';
import {
  DistributionSchema,
  Random,
  fixed,
  lognormal,
  meanOf,
  normal,
  sample,
  uniform,
  type Distribution,
  type RandomStream,
} from './random.js';

const draws = (s: RandomStream, n: number): number[] => Array.from({ length: n }, () => s.next());

const minOf = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);

function moments(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(v) };
}

describe('Random streams', () => {
  it('gives the same sequence for the same seed and key, whatever was created before', () => {
    const a = new Random(42);
    const first = draws(a.stream('host', 'host-03', 'boot'), 20);
    const b = new Random(42);
    for (let i = 0; i < 50; i += 1) draws(b.stream('vm', i), 3); // other streams first
    expect(draws(b.stream('host', 'host-03', 'boot'), 20)).toEqual(first);
  });

  it('gives different sequences for different seeds, keys and key boundaries', () => {
    const seq = (seed: number, ...key: Array<string | number>): number[] => draws(new Random(seed).stream(...key), 4);
    const base = seq(1, 'vm', 17, 'boot');
    expect(seq(2, 'vm', 17, 'boot')).not.toEqual(base);
    expect(seq(1, 'vm', 18, 'boot')).not.toEqual(base);
    expect(seq(1, 'vm', 17, 'boot2')).not.toEqual(base);
    expect(seq(1, 'ab', 'c')).not.toEqual(seq(1, 'a', 'bc'));
    expect(seq(1, 'vm17')).not.toEqual(seq(1, 'vm', 17));
    expect(seq(-1, 'x')).not.toEqual(seq(2 ** 32 - 1, 'x'));
    // numbers are named by their text
    expect(seq(1, 'vm', 17)).toEqual(seq(1, 'vm', '17'));
    // non-ASCII parts hash their UTF-8 bytes
    expect(seq(1, 'hôte-é')).toEqual(seq(1, 'hôte-é'));
    expect(seq(1, 'hôte-é')).not.toEqual(seq(1, 'hote-e'));
  });

  it('is pinned: a change to the derivation would silently reshuffle every baseline', () => {
    const s = new Random(1).stream('pin');
    // Regenerate only on purpose, and say so in the commit.
    expect(draws(s, 3)).toEqual([0.7238371658432138, 0.2465662088209455, 0.05429290433858602]);
  });

  it('draws uniformly in [0, 1) with 53-bit resolution', () => {
    const xs = draws(new Random(7).stream('uniformity'), 200_000);
    expect(minOf(xs)).toBeGreaterThanOrEqual(0);
    expect(maxOf(xs)).toBeLessThan(1);
    const { mean, sd } = moments(xs);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sd).toBeCloseTo(Math.sqrt(1 / 12), 2);
    // chi-square over 100 buckets, 99 degrees of freedom: the 0.999 quantile is 148.2
    const buckets = new Array<number>(100).fill(0);
    for (const x of xs) buckets[Math.floor(x * 100)]! += 1;
    const expected = xs.length / 100;
    const chi2 = buckets.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(148.2);
    // 53 bits: values are not confined to a 32-bit grid
    expect(xs.some((x) => (x * 2 ** 32) % 1 !== 0)).toBe(true);
  });

  it('keeps streams independent: neighbouring keys are uncorrelated', () => {
    const rng = new Random(3);
    const n = 20_000;
    // Pairwise correlation of the first draws of 20,000 streams named vm-0, vm-1, ...
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const s = rng.stream('vm', i);
      a.push(s.next());
      b.push(rng.stream('vm', i + 1).next());
    }
    const ma = moments(a).mean;
    const mb = moments(b).mean;
    let cov = 0;
    for (let i = 0; i < n; i += 1) cov += (a[i]! - ma) * (b[i]! - mb);
    const corr = cov / (n - 1) / (moments(a).sd * moments(b).sd);
    // sd of a sample correlation of independent variables is 1/sqrt(n) = 0.007; 5 sd
    expect(Math.abs(corr)).toBeLessThan(0.035);
    expect(moments(a).mean).toBeCloseTo(0.5, 1);
  });

  it('int(n) covers [0, n)', () => {
    const s = new Random(5).stream('int');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i += 1) seen.add(s.int(6));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => new Random(1.5)).toThrow(/safe integer/);
    expect(() => new Random(2 ** 60)).toThrow(/safe integer/);
  });
});

describe('distributions', () => {
  const N = 100_000;
  const sampleMany = (d: Distribution, key: string): number[] => {
    const s = new Random(11).stream('dist', key);
    return Array.from({ length: N }, () => sample(d, s));
  };

  it('fixed', () => {
    expect(sampleMany(fixed(3.5), 'fixed').every((x) => x === 3.5)).toBe(true);
  });

  it('uniform: mean, sd and range', () => {
    const xs = sampleMany(uniform(10, 30), 'uniform');
    const { mean, sd } = moments(xs);
    expect(Math.abs(mean - 20) / (20 / Math.sqrt(12) / Math.sqrt(N))).toBeLessThan(5);
    expect(sd).toBeCloseTo(20 / Math.sqrt(12), 1);
    expect(minOf(xs)).toBeGreaterThanOrEqual(10);
    expect(maxOf(xs)).toBeLessThan(30);
  });

  it('normal far from 0: mean and sd as given', () => {
    const xs = sampleMany(normal(100, 10), 'normal');
    const { mean, sd } = moments(xs);
    expect(Math.abs(mean - 100)).toBeLessThan((5 * 10) / Math.sqrt(N));
    expect(Math.abs(sd - 10)).toBeLessThan(0.15);
  });

  it('normal truncated at 0 by resampling: no negatives, no point mass at 0, half-normal mean', () => {
    const d = normal(0, 1);
    const xs = sampleMany(d, 'half');
    expect(xs.every((x) => x >= 0)).toBe(true);
    expect(xs.filter((x) => x === 0).length).toBe(0);
    const expected = Math.sqrt(2 / Math.PI); // mean of a half-normal
    expect(meanOf(d)).toBeCloseTo(expected, 6);
    expect(Math.abs(moments(xs).mean - expected)).toBeLessThan((5 * 0.61) / Math.sqrt(N));
  });

  it('lognormal from median and cv: median, mean and cv', () => {
    const d = lognormal(2000, 0.5);
    const xs = sampleMany(d, 'lognormal');
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[N / 2]!;
    expect(Math.abs(median / 2000 - 1)).toBeLessThan(0.01);
    const { mean, sd } = moments(xs);
    expect(Math.abs(mean / meanOf(d) - 1)).toBeLessThan(0.01);
    expect(meanOf(d)).toBeCloseTo(2000 * Math.sqrt(1.25), 9);
    expect(Math.abs(sd / mean - 0.5)).toBeLessThan(0.02);
  });

  it('degenerate spreads return the centre', () => {
    const s = new Random(1).stream('degenerate');
    expect(sample(normal(5, 0), s)).toBe(5);
    expect(sample(lognormal(5, 0), s)).toBe(5);
    expect(sample(uniform(5, 5), s)).toBe(5);
  });

  it('schema accepts the four shapes and names what is wrong', () => {
    expect(DistributionSchema.parse({ dist: 'lognormal', median: 3, cv: 0.2 })).toEqual(lognormal(3, 0.2));
    const bad = (v: unknown): string => {
      const r = DistributionSchema.safeParse(v);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ dist: 'uniform', min: 5, max: 1 })).toMatch(/max: uniform distribution needs min <= max/);
    expect(bad({ dist: 'normal', mean: 1 })).toMatch(/sd/);
    expect(bad({ dist: 'fixed', value: -1 })).toMatch(/value/);
    expect(bad({ dist: 'lognormal', median: 0, cv: 1 })).toMatch(/median/);
    expect(bad({ dist: 'fixed', value: 1, extra: 2 })).toMatch(/extra/);
    expect(bad({ dist: 'poisson', rate: 1 })).toMatch(/dist/);
  });
});
