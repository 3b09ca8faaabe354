import { PR_SCENARIO } from '../../harness/gate.js';
import { defineScenario } from '../../harness/scenario.js';

/**
 * The PR suite: the nightly burst at a quarter of its size, keeping its density (32 VMs per host
 * of 8 cores). Its fields live in harness/gate.ts, where `stampede gate` runs the same scenario.
 */
export default defineScenario(PR_SCENARIO);
