import { describe, expect, it } from 'vitest';
import '../support/matchers.js';
import { runSuite } from '../support/run-suite.js';

describe('pr: 128 VMs on 4 hosts, optimized reference stack', () => {
  it('deploys every VM within the stage budgets', async () => {
    const { result } = await runSuite('pr', new URL('./scenario.ts', import.meta.url).pathname);
    expect(result.vms).toEqual({ requested: 128, up: 128, failed: 0, timedOut: 0 });
    expect(result).toMeetBudgets();
  });
});
