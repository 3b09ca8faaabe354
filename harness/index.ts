/**
 * stampede as a library: what `import ... from 'stampede'` gives (the reporters are
 * `stampede/reports`). A scenario file reads
 * `export default defineScenario({ ... })`; a user's own test runner loads one and runs it:
 *
 *   const result = await run(await loadScenario('stampede.config.ts'), { out: 'scale-report' });
 *   expect(result.exitCode).toBe(ExitCode.OK);
 */
export {
  defineScenario,
  loadScenario,
  resolveScenario,
  scenarioJsonSchema,
  NIGHTLY_BUDGETS,
  ScenarioError,
  type ResolvedScenario,
  type Scenario,
  type ScenarioInput,
  type ScenarioOverrides,
} from './scenario.js';
export { run, type RunOptions } from './run.js';
export { ExitCode, type Result } from './result.js';
export { UserError, isUserError } from './errors.js';
export type { BudgetSpec } from './budgets.js';
export { BUILTIN_PROFILES, PATHOLOGIES, type Pathology, type StackProfile, type StackProfileInput } from '../stack/profile.js';
