import { describe, expect, it } from 'vitest';
import type { Result } from './result.js';
import { run } from './run.js';
import { resolveScenario, type ScenarioInput } from './scenario.js';
import { runSeeds } from './seeds.js';
import { STAGES } from './stages.js';
import { Sample } from './stats.js';

const small: ScenarioInput = { vms: { count: 48 }, hosts: { count: 2 } };

describe('runSeeds: one run per seed, budgets on the pooled sample', () => {
  it('keeps each seed as its own run would have it and pools every VM of every seed', async () => {
    const seeds = [3, 4, 5];
    const pooled = await runSeeds(resolveScenario({ ...small, seeds: '3..5' }));
    const samples: Array<Record<(typeof STAGES)[number], Sample>> = [];
    const alone: Result[] = [];
    for (const seed of seeds) {
      alone.push(await run(resolveScenario({ ...small, seed }), { onSamples: (s) => samples.push(s) }));
    }
    expect(pooled.seeds!.runs.map((r) => r.seed)).toEqual(seeds);
    pooled.seeds!.runs.forEach((r, i) => {
      expect(r.stages).toEqual(alone[i]!.stages);
      expect(r.budgets).toEqual(alone[i]!.budgets);
    });
    // seeds do give different runs, or pooling proves nothing
    expect(new Set(alone.map((r) => r.stages.total.max)).size).toBeGreaterThan(1);
    for (const stage of STAGES) expect(pooled.stages[stage]).toEqual(Sample.pool(samples.map((s) => s[stage])).summary());
    expect(pooled.vms).toEqual({ requested: 144, up: 144, failed: 0, timedOut: 0 });
    const maxes = alone.map((r) => r.stages.total.max!);
    expect(pooled.seeds!.spread.total.max).toEqual({ min: Math.min(...maxes), max: Math.max(...maxes) });
    expect(pooled.stages.total.max).toBe(Math.max(...maxes));
  });

  it('fails a budget on the pooled sample when only one seed breaks it, and says which seed', async () => {
    const alone = await Promise.all([6, 7].map((seed) => run(resolveScenario({ ...small, seed }))));
    const [lo, hi] = alone.map((r) => r.stages.total.max!).sort((a, b) => a - b) as [number, number];
    expect(hi).toBeGreaterThan(lo);
    const between = (lo + hi) / 2;
    const result = await runSeeds(resolveScenario({ ...small, seeds: '6,7', budgets: { total: `max < ${between}s` } }));
    expect(result.budgets[0]).toMatchObject({ pass: false, actual: hi });
    expect(result.exitCode).toBe(1);
    expect(result.seeds!.runs.map((r) => r.budgets[0]!.pass).sort()).toEqual([false, true]);
  });

  it('runs one seed as a plain run: no seeds block, the same result as run()', async () => {
    const a = await runSeeds(resolveScenario({ ...small, seeds: '9' }));
    const b = await run(resolveScenario({ ...small, seed: 9 }));
    expect(a.seeds).toBeUndefined();
    expect(a.stages).toEqual(b.stages);
  });

  it('takes the seeds from the scenario field, --seeds over it, and --seed for one seed', () => {
    expect(resolveScenario({ seeds: '1..3' }).seeds).toEqual([1, 2, 3]);
    expect(resolveScenario({ seeds: 4 }).seeds).toEqual([4]);
    expect(resolveScenario({ seed: 7 }).seeds).toEqual([7]);
    expect(resolveScenario({ seeds: '1..3' }, { seeds: '5,6' }).seeds).toEqual([5, 6]);
    expect(resolveScenario({ seeds: '1..3' }, { seed: 9 }).seeds).toEqual([9]);
    expect(() => resolveScenario({ seeds: '3..1' }, {}, 'scenario s.yaml')).toThrow(/^scenario s\.yaml: seeds: takes seeds such as 1\.\.5/);
  });
});
