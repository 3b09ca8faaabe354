import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.js';
import { compassSearch, gridSearch, latinHypercube, randomSearch, type SearchProblem } from './search.js';

/**
 * A synthetic objective with a known optimum (0 at OPTIMUM): a bowl in three knobs, one of them
 * discrete (17 levels, as a whole-number knob), and a fourth knob that does nothing.
 */
const OPTIMUM = [0.3, 0.72, 10 / 16];
const LEVELS = 17;
const snap = (u: readonly number[]): number[] => [u[0]!, u[1]!, Math.round(u[2]! * (LEVELS - 1)) / (LEVELS - 1), u[3]!];
const bowl = (u: readonly number[]): number => {
  const v = snap(u);
  return 4 * (v[0]! - OPTIMUM[0]!) ** 2 + (v[1]! - OPTIMUM[1]!) ** 2 + 8 * (v[2]! - OPTIMUM[2]!) ** 2;
};
const problem = (seed: number, budget: number, counter?: { n: number }): SearchProblem => ({
  dims: 4,
  budget,
  seed,
  start: [0.9, 0.1, 0.1, 0.5],
  key: (u) => snap(u).map((x) => x.toFixed(4)).join(','),
  evaluate: async (u) => {
    if (counter) counter.n += 1;
    return bowl(u);
  },
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('search', () => {
  it('beats random and grid search at the same number of evaluations, over 15 seeds', async () => {
    const budget = 40;
    const best = { compass: [] as number[], random: [] as number[], grid: [] as number[] };
    for (let seed = 1; seed <= 15; seed += 1) {
      best.compass.push((await compassSearch(problem(seed, budget))).best.score);
      best.random.push((await randomSearch(problem(seed, budget))).best.score);
      best.grid.push((await gridSearch(problem(seed, budget))).best.score);
    }
    expect(median(best.compass)).toBeLessThan(median(best.random) / 4);
    expect(median(best.compass)).toBeLessThan(median(best.grid) / 4);
  });

  it('finds the known optimum: within 2% of each knob range in 80 evaluations, the discrete knob exactly', async () => {
    for (const seed of [1, 2, 3]) {
      const out = await compassSearch(problem(seed, 80));
      const v = snap(out.best.u);
      expect(Math.abs(v[0]! - OPTIMUM[0]!)).toBeLessThan(0.02);
      expect(Math.abs(v[1]! - OPTIMUM[1]!)).toBeLessThan(0.02);
      expect(v[2]).toBe(OPTIMUM[2]);
    }
  });

  it('never spends more than its budget, and counts a configuration once', async () => {
    for (const budget of [1, 5, 12]) {
      const counter = { n: 0 };
      const out = await compassSearch(problem(3, budget, counter));
      expect(counter.n).toBe(out.evaluations.length);
      expect(out.evaluations.length).toBeLessThanOrEqual(budget);
      expect(new Set(out.evaluations.map((e) => e.key)).size).toBe(out.evaluations.length);
    }
  });

  it('is reproducible: the same seed gives the same evaluations, another seed others', async () => {
    const a = await compassSearch(problem(7, 30));
    const b = await compassSearch(problem(7, 30));
    const c = await compassSearch(problem(8, 30));
    expect(b.evaluations).toEqual(a.evaluations);
    expect(c.evaluations.map((e) => e.key)).not.toEqual(a.evaluations.map((e) => e.key));
  });

  it('stops before its budget when more evaluations stop paying', async () => {
    const flat: SearchProblem = { ...problem(1, 500), evaluate: async () => 5 };
    const out = await compassSearch(flat);
    expect(out.stopped).toBe('no gain');
    expect(out.evaluations.length).toBeLessThan(40);
    const bowlRun = await compassSearch({ ...problem(1, 500), minGain: 1e-6 });
    expect(['converged', 'no gain']).toContain(bowlRun.stopped);
    expect(bowlRun.evaluations.length).toBeLessThan(500);
  });

  it('a Latin hypercube hits each stratum of each coordinate once', () => {
    const points = latinHypercube(8, 3, new Random(1).stream('t'));
    for (let d = 0; d < 3; d += 1) expect(points.map((p) => Math.floor(p[d]! * 8)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops at the signal with what it found', async () => {
    const abort = new AbortController();
    let n = 0;
    const out = await compassSearch({
      ...problem(1, 100),
      signal: abort.signal,
      evaluate: async (u) => {
        if (++n === 5) abort.abort();
        return bowl(u);
      },
    });
    expect(out.stopped).toBe('aborted');
    expect(out.evaluations).toHaveLength(5);
  });
});
