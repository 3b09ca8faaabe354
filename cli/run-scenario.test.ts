import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isUserError } from '../harness/errors.js';
import { runScenario } from './run-scenario.js';

describe('runScenario', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-run-scenario-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the previous run\'s reports first, so a run that cannot run leaves no passing junit.xml behind', async () => {
    for (const f of ['result.json', 'summary.md', 'junit.xml', 'trace.jsonl', 'notes.txt']) writeFileSync(join(dir, f), 'from the last run');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'vms: { count: 0 }\n');
    const error = await runScenario({ scenarioFile: bad, out: dir }, { watch: () => {}, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'notes.txt']);
  });

  it('says in one sentence when the report directory cannot be cleared', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const error = await runScenario({ out: file }, { watch: () => {}, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot clear the previous run's result\.json in ".*a-file": /);
  });
});
