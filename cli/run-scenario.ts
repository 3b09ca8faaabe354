import { UserError } from '../harness/errors.js';
import { run } from '../harness/run.js';
import { loadScenario } from '../harness/scenario.js';
import { clearReports } from '../reports/index.js';
import type { RunFn } from './main.js';

/** The CLI's run: the scenario file (or the nightly defaults), the flags on top, then run(). */
export const runScenario: RunFn = async (overrides, hooks) => {
  const { scenarioFile, out, ...flags } = overrides;
  // first: a run that cannot run must not leave the previous run's passing reports behind
  await clearReports(out).catch((error: Error) => Promise.reject(new UserError(error.message)));
  return run(await loadScenario(scenarioFile, flags), { out, signal: hooks.signal, watch: hooks.watch });
};
