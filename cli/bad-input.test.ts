import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../harness/scenario.js';
import { sampleResult } from '../reports/test-support/sample-result.js';
import { main } from './main.js';

/**
 * Whatever a user types or writes, `stampede run` either gets to the run or ends with exit 2 and
 * one line, never a stack trace or "defect". The run is the CLI's own up to the scenario being
 * loaded and checked; what a loaded scenario does when it runs is harness/scenario.property.test.ts's.
 */
const dir = mkdtempSync(join(tmpdir(), 'stampede-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = fc.oneof(
  fc.string({ maxLength: 16 }),
  fc.constantFrom('0', '-1', '1e3', '99999999999999999999', 'scaled:0', 'scaled:1e9', 'virtual', 'optimized', 'opennebula-9', '../etc', '', ' '),
);
const setting = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc
    .tuple(
      fc.constantFrom('vms.count', 'hosts', 'hosts.count', 'profile', 'faults.hosts', 'budgets.total', 'deadline', 'clock', 'vms.count.x', 'nope', 'load.mdoe'),
      fc.constantFrom('-1', '{host-99: {slow: 2}}', '[', 'p95 < soon', '5d', 'scaled:0', '{a: 1}', '2', 'true', "'x\\ny'"),
    )
    .map(([p, v]) => `${p}=${v}`),
);
const flag = fc.oneof(
  fc.tuple(fc.constantFrom('--vms', '--hosts', '--seed', '--profile', '--clock', '--out', '--vm', '--bogus'), text),
  fc.tuple(fc.constant('--set'), setting),
);
const file = fc.oneof(
  fc.record({ ext: fc.constantFrom('.yaml', '.json', '.txt'), body: fc.string({ maxLength: 40 }) }),
  fc
    .record({
      ext: fc.constantFrom('.yaml', '.json'),
      data: fc.dictionary(
        fc.constantFrom('vms', 'hosts', 'faults', 'profile', 'deadline', 'budgets', 'hostz', 'seed'),
        fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom({ count: 2 }, { hosts: { 'host-3': { slow: 2 } } }, 'optimised')),
      ),
    })
    .map(({ ext, data }) => ({ ext, body: ext === '.json' ? JSON.stringify(data) : stringify(data) })),
);

describe('stampede run with generated mistakes', () => {
  it('exits 0 or 2, and with 2 says one line, never "defect"', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(file), fc.array(flag, { maxLength: 4 }), async (scenario, flags) => {
        const argv = ['run'];
        if (scenario) {
          const path = join(dir, `s${n++}${scenario.ext}`);
          writeFileSync(path, scenario.body);
          argv.push(path);
        }
        for (const [name, value] of flags) argv.push(name, value);
        const err: string[] = [];
        const code = await main(argv, {
          run: async ({ scenarioFile, out: _out, ...overrides }) => {
            await loadScenario(scenarioFile, overrides);
            return sampleResult({ exitCode: 0, budgets: [] });
          },
          stdout: { isTTY: false, write: () => true },
          stderr: { write: (s: string) => err.push(s) },
          writeReports: async () => [],
          signals: new EventEmitter(),
          checkOutDir: async () => undefined,
        });
        const said = err.join('');
        expect([0, 2]).toContain(code);
        if (code === 2) {
          expect(said).not.toMatch(/defect|\n\s+at /);
          expect(said.trimEnd().split('\n')).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
