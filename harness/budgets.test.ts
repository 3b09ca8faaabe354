import { describe, expect, it } from 'vitest';
import { BudgetError, evaluateBudgets, parseBudgets } from './budgets.js';
import { STAGES, type StageName } from './stages.js';
import { Sample } from './stats.js';

function samples(totalSeconds: number[]): Record<StageName, Sample> {
  const out = {} as Record<StageName, Sample>;
  for (const s of STAGES) out[s] = Sample.fromMs([]);
  out.total = Sample.fromMs(totalSeconds.map((x) => x * 1000));
  out['PENDING-PROLOG'] = Sample.fromMs([1000, 2000, 4999]);
  return out;
}

describe('parseBudgets', () => {
  it('reads statistics, operators and every duration form', () => {
    const b = parseBudgets({
      total: ['mean < 60s', 'p95 < 80s', 'max<=2m', 'p99.9 < 1h', 'p(90) < 90', 'min >= 500ms', 'count == 512', 'avg < 1.5m', 'med < .5s'],
      'PENDING-PROLOG': 'max < 5s',
      failed: ['== 0', 'count <= 2', '< 1%'],
    });
    expect(b.map((x) => [x.stage, x.statistic, x.operator, x.threshold, x.unit, x.where])).toEqual([
      ['total', 'mean', '<', 60, 's', 'budgets.total[0]'],
      ['total', 'p95', '<', 80, 's', 'budgets.total[1]'],
      ['total', 'max', '<=', 120, 's', 'budgets.total[2]'],
      ['total', 'p99.9', '<', 3600, 's', 'budgets.total[3]'],
      ['total', 'p90', '<', 90, 's', 'budgets.total[4]'],
      ['total', 'min', '>=', 0.5, 's', 'budgets.total[5]'],
      ['total', 'count', '==', 512, 'count', 'budgets.total[6]'],
      ['total', 'mean', '<', 90, 's', 'budgets.total[7]'],
      ['total', 'p50', '<', 0.5, 's', 'budgets.total[8]'],
      ['PENDING-PROLOG', 'max', '<', 5, 's', 'budgets.PENDING-PROLOG'],
      ['failed', 'count', '==', 0, 'count', 'budgets.failed[0]'],
      ['failed', 'count', '<=', 2, 'count', 'budgets.failed[1]'],
      ['failed', 'count', '<', 1, '%', 'budgets.failed[2]'],
    ]);
  });

  it.each([
    [{ total: ['mean < 60s', 'p95 < eighty'] }, 'budgets.total[1]: "p95 < eighty": expected a duration (500ms, 30s, 5m, 2h or a number of seconds), got "eighty"'],
    [{ total: ['p95 lt 80s'] }, 'budgets.total[0]: "p95 lt 80s": expected "<statistic> <operator> <threshold>"'],
    [{ total: ['< 80s'] }, 'budgets.total[0]: "< 80s": a stage budget needs a statistic before the operator'],
    [{ total: ['median < 80s'] }, 'budgets.total[0]: "median < 80s": unknown statistic "median"; use min, mean, p50'],
    [{ total: ['p101 < 80s'] }, 'a percentile is between p0 and p100, got "p101"'],
    [{ total: ['count > 5s'] }, 'budgets.total[0]: "count > 5s": expected a number of VMs, got "5s"'],
    [{ failed: ['p95 < 3'] }, 'budgets.failed[0]: "p95 < 3": failed is a number of VMs: write "== 0", "< 5" or "< 1%"'],
    [{ failed: ['== none'] }, 'expected a number of VMs or a percentage such as 1%, got "none"'],
    [{ boot: ['p95 < 5s'] }, 'budgets.boot: unknown stage "boot"; budgets apply to the stages START-PENDING, PENDING-PROLOG'],
    [{ total: [] }, 'budgets.total: expected an expression or a list of expressions'],
    [{ total: [95] }, 'budgets.total[0]: expected an expression string, got 95'],
  ])('names the bad expression and where: %j', (spec, message) => {
    expect(() => parseBudgets(spec as never)).toThrow(BudgetError);
    expect(() => parseBudgets(spec as never)).toThrow(message);
  });

  it('uses the caller\'s path in messages', () => {
    expect(() => parseBudgets({ total: 'p95 < x' }, 'suites.nightly.budgets')).toThrow(/^suites\.nightly\.budgets\.total: /);
  });
});

describe('evaluateBudgets', () => {
  const vms = { requested: 200, up: 197, failed: 2, timedOut: 1 };

  it('judges each budget on the exact statistic', () => {
    // 100 VMs: total 1..100 s; mean 50.5, p95 95, max 100
    const input = { samples: samples(Array.from({ length: 100 }, (_, i) => i + 1)), vms };
    const verdicts = evaluateBudgets(
      parseBudgets({
        total: ['mean < 60s', 'p95 < 95s', 'p95 <= 95s', 'max > 1m', 'count == 100'],
        'PENDING-PROLOG': ['max < 5s'],
        failed: ['== 0', '< 1.5%'],
        timedOut: '<= 1',
        up: '>= 197',
      }),
      input,
    );
    expect(verdicts.map((v) => [v.stage, v.expression, v.actual, v.pass])).toEqual([
      ['total', 'mean < 60s', 50.5, true],
      ['total', 'p95 < 95s', 95, false],
      ['total', 'p95 <= 95s', 95, true],
      ['total', 'max > 1m', 100, true],
      ['total', 'count == 100', 100, true],
      ['PENDING-PROLOG', 'max < 5s', 4.999, true],
      ['failed', '== 0', 2, false],
      ['failed', '< 1.5%', 1, true],
      ['timedOut', '<= 1', 1, true],
      ['up', '>= 197', 197, true],
    ]);
  });

  it('fails a budget on a stage no VM reached', () => {
    const [v] = evaluateBudgets(parseBudgets({ 'RUNNING-NET-MSG': 'p95 < 1h' }), { samples: samples([]), vms });
    expect(v).toEqual({ stage: 'RUNNING-NET-MSG', expression: 'p95 < 1h', operator: '<', actual: null, lowerBound: false, pass: false, unit: 's', threshold: 3600 });
  });

  it('judges a lower bound conservatively: it holds a budget only when every larger value would', () => {
    const s = samples([]);
    s.total = Sample.fromMs([10_000, 20_000, 30_000], [40_000]); // one VM cut off after 40 s
    const judged = evaluateBudgets(
      parseBudgets({ total: ['mean < 20s', 'mean < 60s', 'max >= 30s', 'max > 50s', 'p50 < 25s', 'max == 40s', 'count == 4'] }),
      { samples: s, vms },
    );
    expect(judged.map((v) => [v.expression, v.actual, v.lowerBound, v.pass])).toEqual([
      ['mean < 20s', 25, true, false], // already broken
      ['mean < 60s', 25, true, false], // may not hold: no pass
      ['max >= 30s', 40, true, true], // holds for anything at or above 40 s
      ['max > 50s', 40, true, false], // may hold: no pass either
      ['p50 < 25s', 20, false, true], // the cut-off VM sorts above the median: exact
      ['max == 40s', 40, true, false],
      ['count == 4', 4, false, true],
    ]);
  });
});
