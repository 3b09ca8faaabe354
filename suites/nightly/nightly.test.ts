import { describe, expect, it } from 'vitest';
import '../support/matchers.js';
import { runSuite } from '../support/run-suite.js';

describe('nightly: 512 VMs on 16 hosts, optimized reference stack', () => {
  it('deploys every VM within the stage budgets', async () => {
    const { result } = await runSuite('nightly', new URL('./scenario.ts', import.meta.url).pathname);
    expect(result.vms).toEqual({ requested: 512, up: 512, failed: 0, timedOut: 0 });
    expect(result).toMeetBudgets();
  });
});
