import { beforeAll, describe, expect, it } from 'vitest';
import { PATHOLOGIES } from '../stack/profile.js';
import { run } from './run.js';
import { resolveScenario } from './scenario.js';
import { PUBLISHED, dominantStage, runStudy, studyTable, type StudyRow } from './study.js';

/** How far `model` is from `published`, as a fraction of it. */
const off = (model: number, published: number): number => Math.abs(model - published) / published;

describe('the study in virtual time (512 VMs on 16 hosts, seed 1)', () => {
  let rows: StudyRow[] = [];
  const row = (config: string): StudyRow => rows.find((r) => r.config === config)!;
  beforeAll(async () => {
    rows = await runStudy({ seed: 1 });
  }, 120_000);

  it('runs every step, study-0 to study-5, none slower than the one before', () => {
    expect(rows.map((r) => r.config)).toEqual(['study-0', 'study-1', 'study-2', 'study-3', 'study-4', 'study-5']);
    // what `stampede study --json` prints, keys in this order
    expect(Object.keys(JSON.parse(JSON.stringify(rows))[0])).toEqual(['config', 'mean', 'slowest', 'stages']);
    for (const r of rows) {
      // the stages add up to the mean: every VM came up, none censored
      const sum = Object.values(r.stages).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(r.mean, 6);
    }
    // each step takes a cause away: the mean never grows from one step to the next (beyond a
    // seed's noise: a limit lifted where another one binds changes only the draws' order)
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.mean).toBeLessThanOrEqual(rows[i - 1]!.mean * 1.01);
    expect(studyTable(rows)).toMatch(/\| study-5 \| .* \| 53\.5 s \(model [+-]\d+%\) \| 87\.8 s \(model [+-]\d+%\) \|/);
  });

  it('the optimized row is within 10% of the study, mean and slowest, and guest boot dominates it', () => {
    const r = row('study-5');
    const p = PUBLISHED['study-5']!;
    expect(off(r.mean, p.mean!)).toBeLessThanOrEqual(0.1);
    expect(off(r.slowest, p.slowest!)).toBeLessThanOrEqual(0.1);
    expect(dominantStage(r)).toBe('RUNNING-NET-MSG');
  });

  it('out of the box, mean and slowest are within 10% of the study, and the wait for the scheduler (PENDING-PROLOG) dominates', () => {
    const r = row('study-0');
    const p = PUBLISHED['study-0']!;
    expect(off(r.mean, p.mean!)).toBeLessThanOrEqual(0.1);
    expect(off(r.slowest, p.slowest!)).toBeLessThanOrEqual(0.1);
    expect(dominantStage(r)).toBe('PENDING-PROLOG');
  });

  it('after tuning (steps 1 to 4), the mean is within 10% of the study\'s 104 s', () => {
    expect(off(row('study-4').mean, PUBLISHED['study-4']!.mean!)).toBeLessThanOrEqual(0.1);
  });
});

describe('each pathology alone in optimized, at the study\'s size (seed 1)', () => {
  const totals = async (pathology?: string): Promise<{ mean: number; max: number }> => {
    const profile = pathology === undefined ? 'optimized' : { extends: 'optimized', pathologies: { [pathology]: true } };
    const r = await run(resolveScenario({ seed: 1, profile, budgets: {} }, {}, pathology ?? 'clean'));
    return { mean: r.stages.total.mean!, max: r.stages.total.max! };
  };

  it.each(PATHOLOGIES.map((p) => [p]))('%s moves the mean or the slowest VM by 10% or more, and the mean by at most 5x', async (p) => {
    const clean = await totals();
    const sick = await totals(p);
    expect(Math.max(sick.mean / clean.mean, sick.max / clean.max)).toBeGreaterThanOrEqual(1.1);
    expect(sick.mean / clean.mean).toBeLessThanOrEqual(5);
  }, 60_000);
});
