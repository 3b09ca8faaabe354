import { describe, expect, it } from 'vitest';
import { benchmark, benchmarkEntries } from './benchmark.js';
import { sampleResult } from './test-support/sample-result.js';

describe('benchmark reporter', () => {
  it("gives every stage statistic as a customSmallerIsBetter entry: name, unit, numeric value", async () => {
    const entries = benchmarkEntries(sampleResult());
    expect(entries).toHaveLength(6 * 7 + 1);
    for (const e of entries) {
      expect(Object.keys(e).filter((k) => k !== 'extra')).toEqual(['name', 'unit', 'value']);
      expect(typeof e.value).toBe('number');
    }
    expect(entries).toContainEqual({ name: 'sample total p95', unit: 's', value: 38.84 });
    expect(entries.at(-1)).toEqual({ name: 'sample VMs not up', unit: 'VMs', value: 2, extra: '1 failed, 1 timed out of 6' });
    const [file] = await benchmark.render(sampleResult());
    expect(file!.name).toBe('benchmark.json');
    expect(JSON.parse(file!.content)).toEqual(entries);
  });

  it('leaves out a stage no VM reached, and says when a value is a lower bound or pooled over seeds', () => {
    const base = sampleResult();
    const none = { ...base.stages['RUNNING-NET-MSG'], count: 0, min: null, mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
    const cut = { ...base.stages.total, censored: 1, lowerBound: ['max' as const] };
    const entries = benchmarkEntries({ ...base, stages: { ...base.stages, 'RUNNING-NET-MSG': none, total: cut } });
    expect(entries.some((e) => e.name.includes('RUNNING-NET-MSG'))).toBe(false);
    expect(entries.find((e) => e.name === 'sample total max')?.extra).toBe('lower bound: 1 of 4 VMs cut off');
    expect(entries.find((e) => e.name === 'sample total p95')?.extra).toBeUndefined();
  });
});
