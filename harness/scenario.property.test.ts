import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from './errors.js';
import { MemorySink } from './trace-sink.js';
import { run } from './run.js';
import { resolveScenario, type ResolvedScenario } from './scenario.js';

/**
 * Every error a scenario can cause is the user's: whatever a file holds, loading it and running
 * it either works or fails with a UserError of one line, never a defect of stampede.
 */

/** A small scenario that runs in a blink, for the generated mistakes to land on. */
const BASE = { vms: { count: 4 }, hosts: { count: 2 }, deadline: '10m' };

const PATHS: string[][] = [
  ['name'], ['seed'], ['clock'], ['launch'], ['hosts'], ['hosts', 'count'], ['hosts', 'cores'], ['hosts', 'memoryMiB'],
  ['hosts', 'prefix'], ['vms'], ['vms', 'count'], ['vms', 'template'], ['load'], ['load', 'mode'], ['load', 'concurrency'],
  ['load', 'clientOverheadMs'], ['profile'], ['profiles'], ['profiles', 'mine'], ['profiles', 'mine', 'extends'],
  ['profile', 'extends'], ['profile', 'scheduler', 'MAX_HOST'], ['profile', 'pathologies', 'vmm-host-lock'],
  ['latency'], ['latency', 'vmm', 'deploy'], ['latency', 'tm', 'clone'], ['faults'], ['faults', 'operations'],
  ['faults', 'operations', 'tm.clone'], ['faults', 'operations', 'tm.clone', 'failRate'], ['faults', 'hosts'],
  ['faults', 'hosts', 'host-01'], ['faults', 'hosts', 'host-3'], ['faults', 'hosts', 'host-99'], ['faults', 'hosts', 'host-01', 'crashAt'],
  ['store', 'mbps'], ['headNode', 'cores'], ['deadline'], ['pollEvery'], ['budgets'], ['budgets', 'total'], ['budgets', 'failed'],
  ['budgets', 'bogus'], ['nope'], ['vms', 'nope'],
];

const odd = fc.constantFrom<unknown>(
  -1, 0, 0.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '', ' ', 'host-99', 'scaled:0', 'scaled:1e400', '5d', '-1s',
  'p95 < soon', '== -1', 'opennebula-9', 'optimized', null, [], {}, [{ name: 'a', cores: 1, memoryMiB: 512 }, { name: 'a', cores: 1, memoryMiB: 512 }],
  { dist: 'fixed', value: -1 }, { dist: 'uniform', min: 5, max: 1 }, { extends: 'nope' }, { extends: 'optimized', scheduler: { MAX_HOST: -1 } },
  'CPU = 0.25\nMEMORY = 99999999\n', 'MEMORY = [', '<VM><TEMPLATE>', { slow: 0 }, { crashAt: -5 }, ['mean < 1s'],
);
const value = fc.oneof(odd, fc.anything({ maxDepth: 2 }), fc.string({ maxLength: 12 }), fc.integer(), fc.double());
/** Mistakes that pass the schema and only a look at the whole scenario (or a run) can catch. */
const plausible = fc.oneof(
  fc.tuple(fc.constantFrom(['faults', 'hosts', 'host-01'], ['faults', 'hosts', 'host-3'], ['faults', 'hosts', 'host-99'], ['faults', 'hosts', 'node-1']), fc.constantFrom<unknown>({}, { slow: 3 }, { crashAt: 1000 })),
  fc.tuple(fc.constant(['hosts']), fc.constantFrom<unknown>([{ name: 'a', cores: 1, memoryMiB: 512 }, { name: 'a', cores: 2, memoryMiB: 512 }], [{ name: 'host-01', cores: 1, memoryMiB: 64 }])),
  fc.tuple(fc.constant(['hosts', 'count']), fc.integer({ min: 1, max: 3 })),
  fc.tuple(fc.constant(['vms', 'template']), fc.constantFrom('CPU = 0.25\nMEMORY = 99999999\n', 'MEMORY = [', '<VM><TEMPLATE>', 'CPU = x', 'DISK = [ IMAGE_ID = 7 ]', fc.sample(fc.string(), 1)[0] || 'x')),
);
const mutation = fc.oneof(fc.tuple(fc.constantFrom(...PATHS), value), plausible);

function mutate(mutations: ReadonlyArray<readonly [readonly string[], unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(BASE);
  for (const [path, v] of mutations) {
    let node: Record<string, unknown> = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = v;
  }
  return out;
}

/** What a user would be shown: the error's message if it is theirs, else a sign of a defect. */
function verdictOf(error: unknown): string {
  if (!isUserError(error)) return `DEFECT: ${error instanceof Error ? error.stack : String(error)}`;
  return error.message;
}

const cheap = (r: ResolvedScenario): boolean =>
  r.hosts.length <= 8 && r.scenario.vms.count <= 16 && r.pollEveryMs >= 1000 && r.deadlineMs <= 3_600_000 && r.clock.kind === 'virtual';

describe('a scenario with generated mistakes', () => {
  it('loads, or fails with one line that blames the user', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        try {
          resolveScenario(mutate(mutations), {}, 'scenario bad.yaml');
        } catch (error) {
          const message = verdictOf(error);
          expect(message).not.toMatch(/DEFECT|defect/);
          expect(message).not.toContain('\n');
          expect(message).toMatch(/^scenario bad\.yaml: /);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('that loads, runs, or fails with one line that blames the user', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
        let resolved: ResolvedScenario;
        try {
          resolved = resolveScenario(mutate(mutations));
        } catch {
          return; // the first property's business
        }
        fc.pre(cheap(resolved));
        try {
          await run(resolved, { sink: new MemorySink() });
        } catch (error) {
          const message = verdictOf(error);
          expect(message).not.toMatch(/DEFECT|defect/);
          expect(message).not.toContain('\n');
        }
      }),
      { numRuns: 60 },
    );
  });
});
