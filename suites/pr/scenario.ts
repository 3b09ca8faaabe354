import { NIGHTLY_BUDGETS, defineScenario } from '../../harness/scenario.js';

/**
 * The PR gate: the nightly burst at a quarter of its size, keeping its density (32 VMs per host
 * of 8 cores), so per-host contention and the stage budgets stay comparable while it answers in
 * about a second.
 */
export default defineScenario({
  name: 'pr',
  seed: 1,
  hosts: { count: 4, cores: 8, memoryMiB: 24_576 },
  vms: { count: 128 },
  profile: 'optimized',
  deadline: '30m',
  budgets: NIGHTLY_BUDGETS as Record<string, string[]>,
});
