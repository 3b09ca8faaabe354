import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import { loadScenario, resolveScenario } from './scenario.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-scenario-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** The one sentence the user error carries for this input. */
function sentence(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('hosts the scenario names', () => {
  it('refuses a fault on a host the farm does not have, naming the farm and the closest host', () => {
    expect(sentence(() => resolveScenario({ hosts: { count: 4 }, faults: { hosts: { 'host-3': { slow: 3 } } } }))).toBe(
      'scenario: faults.hosts.host-3: no such host in the farm of 4 (host-01 .. host-04) (did you mean "host-03"?)',
    );
  });

  it('blames --hosts when it shrank the farm under a fault of the file', () => {
    const message = sentence(() => resolveScenario({ faults: { hosts: { 'host-07': { slow: 3 } } } }, { hosts: 4 }, 'scenario f.yaml'));
    expect(message).toBe('scenario f.yaml: faults.hosts.host-07: no such host in the farm of 4 (host-01 .. host-04, after --hosts 4)');
  });

  it('refuses two hosts of one name', () => {
    const host = { name: 'a', cores: 1, memoryMiB: 1024 };
    expect(sentence(() => resolveScenario({ hosts: [host, host] }))).toBe('scenario: hosts.1.name: "a" names two hosts; host names must be unique');
  });
});

describe('a bad field', () => {
  it.each([
    [{ hostz: { count: 2 } }, 'scenario: hostz: unknown field (did you mean "hosts"?)'],
    [{ vms: { cuont: 2 } }, 'scenario: vms.cuont: unknown field (did you mean "count"?)'],
    [{ load: { mdoe: 'serial' } }, 'scenario: load.mdoe: unknown field (did you mean "mode"?)'],
    [{ faults: { operations: { 'tm.clon': { failRate: 0.1 } } } }, 'did you mean "tm.clone"?'],
    [{ hosts: { count: 2, coers: 4 } }, 'scenario: hosts.coers: unknown field (did you mean "cores"?)'],
    [{ profile: 'optimised' }, 'scenario: profile: unknown profile "optimised" (did you mean "optimized"?); known: opennebula-4.4, opennebula-7.5, optimized'],
    [{ zzzzzz: 1 }, 'scenario: zzzzzz: unknown field'],
  ])('%j: %s', (input, message) => {
    expect(sentence(() => resolveScenario(input))).toContain(message);
  });

  it('blames the flag that set it, not the scenario', () => {
    expect(sentence(() => resolveScenario({}, { set: [{ path: ['vms', 'count'], value: -1 }] }, 'the default scenario'))).toMatch(
      /^--set vms\.count=-1: vms\.count: /,
    );
    expect(sentence(() => resolveScenario({}, { profile: 'nope' }, 'the default scenario'))).toMatch(/^--profile nope: profile: unknown profile "nope"/);
    expect(sentence(() => resolveScenario({}, { set: [{ path: ['budgets'], value: { total: 'p95 < soon' } }] }, 'scenario f.yaml'))).toMatch(
      /^--set budgets=\{"total":"p95 < soon"\}: budgets\.total: /,
    );
    // and the file when the flag is not the cause
    expect(sentence(() => resolveScenario({ vms: { count: 0 } }, { seed: 3 }, 'scenario f.yaml'))).toMatch(/^scenario f\.yaml: vms\.count: /);
  });
});

describe('a scenario file', () => {
  it('a YAML error names its place without a dangling colon', async () => {
    const path = file('bad.yaml', 'hosts:\n  count: [\n');
    const message = await loadScenario(path).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(message).toMatch(/is not valid YAML: .*line \d+, column \d+$/);
  });

  it('a TypeScript scenario outside an ESM package loads its default export', async () => {
    const path = file('s.ts', 'const n: number = 4;\nexport default { vms: { count: n } };\n');
    expect((await loadScenario(path)).scenario.vms.count).toBe(4);
  });

  it('a TypeScript scenario with no default export says so, and what it exports', async () => {
    const path = file('s.ts', 'export const x = { vms: { count: 4 } };\n');
    await expect(loadScenario(path)).rejects.toThrow(/has no default export; write `export default defineScenario\(\{ \.\.\. \}\)` \(it exports only x\)$/);
  });

  it('a TypeScript syntax error is shown whole: file, line, column and what was expected', async () => {
    const path = file('s.ts', 'export default { vms: { count: 4 ) };\n');
    await expect(loadScenario(path)).rejects.toThrow(/does not compile: .*s\.ts:1:\d+: Expected "}" but found "\)"$/);
  });
});

describe('one line', () => {
  it('a multi-line value in a budget is quoted, not spilled over lines', () => {
    expect(sentence(() => resolveScenario({ budgets: { total: 'CPU = 0.25\nMEMORY = 512\n' } }))).not.toContain('\n');
  });
});
