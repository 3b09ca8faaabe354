import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { Result } from '../../harness/result.js';
import { run } from '../../harness/run.js';
import { loadScenario } from '../../harness/scenario.js';
import { writeReports } from '../../reports/index.js';

/**
 * Runs a suite's scenario file and writes its reports: to $STAMPEDE_OUT/<suite> when set (CI
 * keeps them as artifacts), else to a temporary directory removed when the test ends.
 */
export async function runSuite(name: string, scenarioFile: string): Promise<{ result: Result; out: string }> {
  const base = process.env['STAMPEDE_OUT'];
  const out = base ? join(base, name) : mkdtempSync(join(tmpdir(), `stampede-${name}-`));
  if (!base) onTestFinished(() => rmSync(out, { recursive: true, force: true }));
  const result = await run(await loadScenario(scenarioFile), { out });
  await writeReports(result, out);
  return { result, out };
}
