import { expect } from 'vitest';
import type { Result } from '../../harness/result.js';
import { summaryLine, verdictSentence } from '../../reports/format.js';

/**
 * `expect(result).toMeetBudgets()`: passes when every budget held; otherwise the failure lists
 * each broken budget with its actual value, so the suite's output reads like the report.
 */
expect.extend({
  toMeetBudgets(received: Result) {
    const broken = received.budgets.filter((v) => !v.pass);
    const lines = broken.map((v) => `  ${verdictSentence(v)}`);
    return {
      pass: broken.length === 0,
      message: () =>
        broken.length === 0
          ? `expected some budget to fail, but all ${received.budgets.length} held (${summaryLine(received)})`
          : `${broken.length} of ${received.budgets.length} budgets failed (${summaryLine(received)}):\n${lines.join('\n')}`,
    };
  },
});

interface BudgetMatchers<R = unknown> {
  toMeetBudgets(): R;
}

declare module 'vitest' {
  interface Assertion<T = any> extends BudgetMatchers<T> {}
  interface AsymmetricMatchersContaining extends BudgetMatchers {}
}
