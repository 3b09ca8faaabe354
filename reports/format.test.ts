import { describe, expect, it } from 'vitest';
import { groupFailures, seconds, summaryLine, verdictActual, verdictSentence } from './format.js';
import { sampleResult } from './test-support/sample-result.js';

describe('format', () => {
  it('rounds seconds to 0.1 with halves up', () => {
    expect([4.55, 1.45, 0.75, 0.04, 24.66666, 0].map((x) => seconds(x))).toEqual(['4.6', '1.5', '0.8', '0.0', '24.7', '0.0']);
    expect(seconds(null)).toBe('-');
    expect(seconds(4.9605, 3)).toBe('4.961');
  });

  it('shows a verdict with enough digits to agree with it', () => {
    const v = { stage: 'total', expression: 'max < 5s', actual: 4.96, pass: true, unit: 's' as const, threshold: 5 };
    expect(verdictActual(v)).toBe('4.960 s'); // not "5.0 s"
    expect(verdictActual({ ...v, actual: 61.23 })).toBe('61.2 s');
    expect(verdictActual({ ...v, unit: 'count', actual: 1 })).toBe('1 VM');
    expect(verdictActual({ ...v, unit: '%', actual: 1.5 })).toBe('1.5%');
    expect(verdictSentence({ ...v, actual: 61.23, pass: false })).toBe('total max < 5s failed: measured 61.2 s');
    expect(verdictSentence({ ...v, actual: null, pass: false })).toBe(
      'total max < 5s failed: no VM has the stage total, so nothing could be measured',
    );
  });

  it('sums the run up in one line', () => {
    expect(summaryLine(sampleResult())).toBe(
      '6 VMs requested: 4 up, 1 failed, 1 timed out; total mean 30.1 s, p95 38.8 s; 2 of 3 budgets failed (exit 1)',
    );
  });

  it('groups failures by outcome, stage and reason, largest first', () => {
    const f = (index: number, reason: string) => ({ index, vmId: index < 7 ? index : null, outcome: 'failed' as const, reason, stage: 'BOOT-RUNNING' as const, state: 'BOOT_FAILURE' });
    const groups = groupFailures([f(1, 'b'), f(2, 'a'), f(3, 'a'), f(4, 'a'), f(5, 'a'), f(6, 'a'), f(8, 'a')]);
    expect(groups).toEqual([
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'a', count: 6, examples: ['2', '3', '4', '5', '6'] },
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'b', count: 1, examples: ['1'] },
    ]);
  });
});
