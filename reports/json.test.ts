import { describe, expect, it } from 'vitest';
import { resultJson } from './json.js';
import { sampleResult } from './test-support/sample-result.js';

describe('json reporter', () => {
  it('orders keys by what they are, not by how the result was built', () => {
    const a = sampleResult();
    const shuffled = Object.fromEntries(Object.entries(sampleResult()).reverse()) as typeof a;
    shuffled.scenario = { seed: 1, profile: 'optimized', hosts: { cores: 8, count: 2 }, budgets: { total: ['p95 < 80s'] }, vms: 6, name: 'sample' };
    shuffled.stages = Object.fromEntries(Object.entries(a.stages).reverse()) as typeof a.stages;
    expect(resultJson(shuffled)).toBe(resultJson(a));
    const text = resultJson(a);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'scenario', 'run', 'interrupted', 'vms', 'failures', 'stages', 'budgets', 'findings', 'crossCheck', 'lag', 'exitCode', 'environment',
    ]);
    expect(Object.keys(JSON.parse(text).stages)).toEqual(['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total']);
    expect(Object.keys(JSON.parse(text).stages.total)).toEqual(['count', 'censored', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max', 'lowerBound']);
    expect(text).toContain('\n  "vms": {\n    "requested": 6,');
    expect(text).toContain('"mean": 24.66666'); // full precision, rounded only when rendered
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('differs between two runs of one seed only in environment', () => {
    const a = resultJson(sampleResult());
    const b = resultJson(sampleResult({ environment: { ...sampleResult().environment, wallMs: 999, startedAt: '2026-02-02T00:00:00.000Z' } }));
    expect(a).not.toBe(b);
    const strip = (s: string) => s.slice(0, s.indexOf('"environment"'));
    expect(strip(a)).toBe(strip(b));
  });

  it('keeps each array of numbers on one line and reads back the same', () => {
    const result = sampleResult({ scenario: { weights: [1, -2.5, 1e-7, null, true], names: ['a', 'b'] } });
    const text = resultJson(result);
    expect(text).toContain('"weights": [1, -2.5, 1e-7, null, true]');
    expect(text).toContain('"names": [\n      "a",');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(result)));
  });
});
