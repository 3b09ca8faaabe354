import { describe, expect, it } from 'vitest';
import { parseBudget } from './budgets.js';
import { durationMs, durationSeconds } from './duration.js';
import { resolveScenario } from './scenario.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['90', 90_000],
    ['.5s', 500],
    [' 2 m ', 120_000],
    [45, 45_000],
  ] as const)('reads %j as %d ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
    expect(durationSeconds(text)).toBeCloseTo(ms / 1000, 9);
  });

  it.each(['', 'soon', '5d', '-1s', '1e3s', '5 minutes'])('refuses %j', (text) => {
    expect(durationMs(text)).toBeUndefined();
  });

  it('is the same parser for a scenario deadline and a budget threshold', () => {
    for (const text of ['500ms', '30s', '5m', '2h', '90', '.5s']) {
      const scenario = resolveScenario({ deadline: text });
      const budget = parseBudget('total', `max < ${text}`, 'budgets.total');
      expect(budget.threshold * 1000).toBeCloseTo(scenario.deadlineMs, 6);
    }
    // a duration one accepts, the other accepts too; one it refuses, the other refuses
    expect(() => resolveScenario({ deadline: '5d' })).toThrow(/deadline/);
    expect(() => parseBudget('total', 'max < 5d', 'budgets.total')).toThrow(/duration/);
  });
});
