import { run } from '../harness/run.js';
import { loadScenario } from '../harness/scenario.js';
import type { RunFn } from './main.js';

/** The CLI's run: the scenario file (or the nightly defaults), the flags on top, then run(). */
export const runScenario: RunFn = async (overrides, hooks) => {
  const resolved = await loadScenario(overrides.scenarioFile, {
    ...(overrides.vms === undefined ? {} : { vms: overrides.vms }),
    ...(overrides.hosts === undefined ? {} : { hosts: overrides.hosts }),
    ...(overrides.profile === undefined ? {} : { profile: overrides.profile }),
    ...(overrides.seed === undefined ? {} : { seed: overrides.seed }),
    ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
    ...(overrides.set === undefined ? {} : { set: overrides.set }),
  });
  return run(resolved, { out: overrides.out, signal: hooks.signal, watch: hooks.watch });
};
