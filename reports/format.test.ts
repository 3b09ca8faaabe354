import { describe, expect, it } from 'vitest';
import { groupFailures, runLine, seconds, stageRows, summaryLine, verdictActual, verdictSentence, vmName } from './format.js';
import { sampleResult } from './test-support/sample-result.js';

describe('format', () => {
  it('rounds seconds to 0.1 with halves up', () => {
    expect([4.55, 1.45, 0.75, 0.04, 24.66666, 0].map((x) => seconds(x))).toEqual(['4.6', '1.5', '0.8', '0.0', '24.7', '0.0']);
    expect(seconds(null)).toBe('-');
    expect(seconds(4.9605, 3)).toBe('4.961');
  });

  it('shows a verdict with enough digits to agree with it', () => {
    const v = { stage: 'total', expression: 'max < 5s', operator: '<' as const, actual: 4.96, lowerBound: false, pass: true, unit: 's' as const, threshold: 5 };
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
    const f = (index: number, reason: string) => ({ index, vmId: index < 7 ? index : null, outcome: 'failed' as const, reason, stage: 'BOOT-RUNNING' as const, host: index === 2 ? null : 'host-01', state: 'BOOT_FAILURE' });
    const groups = groupFailures([f(1, 'b'), f(2, 'a'), f(3, 'a'), f(4, 'a'), f(5, 'a'), f(6, 'a'), f(8, 'a')]);
    expect(groups).toEqual([
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'a', count: 6, examples: ['VM 2', 'VM 3 on host-01', 'VM 4 on host-01', 'VM 5 on host-01', 'VM 6 on host-01'] },
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'b', count: 1, examples: ['VM 1 on host-01'] },
    ]);
  });

  it('names a VM one way: its id and host, or the request that never got an id', () => {
    expect(vmName({ index: 3, vmId: null, host: null })).toBe('request 3');
    expect(vmName({ index: 3, vmId: 12, host: null })).toBe('VM 12');
    expect(vmName({ index: 3, vmId: 12, host: 'host-03' })).toBe('VM 12 on host-03');
  });

  it('shows a statistic that includes cut-off VMs as a lower bound, in the table and the verdicts', () => {
    const total = { count: 6, censored: 2, lowerBound: ['mean' as const, 'p95' as const, 'max' as const], min: 25, mean: 1230.5, p50: 30, p90: 3600, p95: 3600, p99: 3600, max: 3600 };
    const r = sampleResult({ stages: { ...sampleResult().stages, total } });
    expect(stageRows(r.stages).at(-1)).toEqual(['total', '6 (2 cut off)', '>= 1230.5', '30.0', '>= 3600.0', '>= 3600.0']);
    expect(summaryLine(r)).toContain('total mean >= 1230.5 s, p95 >= 3600.0 s');
    const v = { stage: 'total', expression: 'mean < 60s', operator: '<' as const, actual: 1230.5, lowerBound: true, pass: false, unit: 's' as const, threshold: 60 };
    expect(verdictActual(v)).toBe('>= 1230.5 s');
    expect(verdictSentence(v)).toBe(
      'total mean < 60s failed: measured >= 1230.5 s, a lower bound (it counts VMs cut off by the end of the run) that already breaks the budget',
    );
    expect(verdictSentence({ ...v, expression: 'mean < 2h', threshold: 7200 })).toBe(
      'total mean < 2h failed: measured >= 1230.5 s, a lower bound (it counts VMs cut off by the end of the run) that cannot show the budget held',
    );
  });

  it('says in the summary line and the run line that a run was interrupted, and how long it ran', () => {
    const r = sampleResult({ interrupted: { signal: 'SIGTERM' }, exitCode: 143, run: { ...sampleResult().run, endAtMs: 14_300, deadlineHit: false } });
    expect(summaryLine(r)).toBe(
      '6 VMs requested: 4 up, 1 failed, 1 cut off by SIGTERM; total mean 30.1 s, p95 38.8 s; interrupted after 12.3 s: the figures are partial (exit 143)',
    );
    expect(runLine(r)).toBe(
      'Scenario sample, profile optimized, seed 1: 6 VMs on 2 hosts, virtual clock; the burst ran 12.3 emulated seconds, interrupted by SIGTERM.',
    );
    expect(runLine(sampleResult())).toContain('the burst ran 3600.0 emulated seconds, cut off at the deadline (3600.0 s).');
  });
});
