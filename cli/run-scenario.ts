import { run } from '../harness/run.js';
import { loadScenario } from '../harness/scenario.js';
import type { RunFn } from './main.js';

/** The CLI's run: the scenario file (or the nightly defaults), the flags on top, then run(). */
export const runScenario: RunFn = async (overrides, hooks) => {
  const { scenarioFile, out, ...flags } = overrides;
  return run(await loadScenario(scenarioFile, flags), { out, signal: hooks.signal, watch: hooks.watch });
};
