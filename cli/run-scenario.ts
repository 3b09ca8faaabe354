import { loadScenario } from '../harness/scenario.js';
import { runSeeds } from '../harness/seeds.js';
import type { RunFn } from './main.js';

/** The CLI's run: the scenario file (or the nightly defaults), the flags on top, then run() once per seed. */
export const runScenario: RunFn = async (overrides, hooks) => {
  const { scenarioFile, out, ...flags } = overrides;
  return runSeeds(await loadScenario(scenarioFile, flags), { out, signal: hooks.signal, watch: hooks.watch });
};
