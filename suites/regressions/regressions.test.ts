import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, CLEAN, OPENNEBULA_4_4_CASE, OPENNEBULA_4_4_VISIBLE, type CatalogCase } from '../../harness/detect/catalog.js';
import { DETECTORS } from '../../harness/detect/index.js';
import type { Result } from '../../harness/result.js';
import { run } from '../../harness/run.js';
import { resolveScenario } from '../../harness/scenario.js';
import { summaryMarkdown } from '../../reports/markdown.js';
import { confusionMatrix } from './matrix.js';

/**
 * The catalog suite: every pathology of the reference stack and the farm, switched on alone over
 * the optimized profile, must be named by its detector and by no other; a clean run fires none;
 * opennebula-4.4 is named for every pathology the trace can show. The confusion matrix (switched
 * on x fired) is the harness's own accuracy: it is printed, and written to
 * $STAMPEDE_OUT/regressions/matrix.md when CI keeps reports.
 */
const results = new Map<string, Result>();
const NAMES = [...new Set(DETECTORS.flatMap((d) => d.names))];
let scratch: string | undefined;

beforeAll(async () => {
  for (const c of [CLEAN, ...CATALOG, OPENNEBULA_4_4_CASE]) results.set(c.name, await run(resolveScenario(c.scenario, {}, c.name)));
  const matrix = confusionMatrix(
    [CLEAN, ...CATALOG, OPENNEBULA_4_4_CASE].map((c) => ({ name: c.name, fired: results.get(c.name)!.findings.map((f) => f.pathology) })),
    NAMES,
  );
  console.log(`Confusion matrix (switched on x fired):\n${matrix}`);
  const base = process.env['STAMPEDE_OUT'];
  const out = base ? join(base, 'regressions') : (scratch = mkdtempSync(join(tmpdir(), 'stampede-regressions-')));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'matrix.md'), `## Detectors: confusion matrix (switched on x fired)\n\n${matrix}\n`);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('regressions: each pathology alone is named by its detector and by no other', () => {
  it('a clean run fires no detector and holds its budgets', () => {
    const r = results.get('clean')!;
    expect(r.findings).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it.each(CATALOG.map((c) => [c.name, c] as const))('%s', (_name, c: CatalogCase) => {
    const r = results.get(c.name)!;
    expect(r.findings.map((f) => f.pathology)).toEqual([c.pathology]);
    // the run fails, and the report says why: the stage, any broken budget with its measured value, the evidence
    expect(r.exitCode).toBe(1);
    const summary = summaryMarkdown(r);
    const f = r.findings[0]!;
    expect(summary).toContain(f.evidence);
    expect(summary).toContain(f.stage);
    for (const v of r.budgets.filter((b) => !b.pass)) expect(summary).toMatch(new RegExp(`FAIL.*${escape(v.stage)}.*${escape(v.expression)}`));
  });

  it('opennebula-4.4 is named for every pathology the trace can show', () => {
    const named = results.get(OPENNEBULA_4_4_CASE.name)!.findings.map((f) => f.pathology);
    expect([...named].sort()).toEqual([...OPENNEBULA_4_4_VISIBLE].sort());
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
