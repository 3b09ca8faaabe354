import { NIGHTLY_BUDGETS, defineScenario } from '../../harness/scenario.js';

/**
 * The nightly suite: 512 simultaneous deploys on 16 hosts of 8 cores and 24 GiB, the burst of
 * the published OpenNebula study, on the embedded reference stack with the optimized profile.
 * These are the scenario defaults, written out so the suite says what it runs.
 */
export default defineScenario({
  name: 'nightly',
  seed: 1,
  clock: 'virtual',
  hosts: { count: 16, cores: 8, memoryMiB: 24_576 },
  vms: { count: 512 },
  load: { mode: 'parallel' },
  profile: 'optimized',
  deadline: '1h',
  budgets: NIGHTLY_BUDGETS as Record<string, string[]>,
});
