import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ScenarioError, readScenarioFile, resolveScenario, scenarioJsonSchema } from './scenario.js';

/**
 * The JSON Schema an editor checks a YAML scenario with is generated from the loader's own zod
 * schema: it must take every scenario the project ships and refuse what the loader refuses,
 * at the same field.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(scenarioJsonSchema());

/** The fields ajv complains about, as the loader names them (`vms.count`, `hosts.coers`). */
function schemaVerdict(data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => {
    const at = e.instancePath.split('/').slice(1);
    if (e.keyword === 'additionalProperties') at.push(String((e.params as { additionalProperty: string }).additionalProperty));
    return at.join('.');
  });
}

function loaderVerdict(data: unknown): string[] {
  try {
    resolveScenario(data);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems.map((p) => /^scenario: ([^:]+):/.exec(p)![1]!);
  }
}

const yamlOf = (text: string): unknown => parse(text) as unknown;
const readmeScenarios = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
// read as a user's scenario file is, not imported: harness/ does not reach into suites/
const nightly = await readScenarioFile(join(root, 'suites/nightly/scenario.ts'));
const pr = await readScenarioFile(join(root, 'suites/pr/scenario.ts'));
const benchScenarios = readdirSync(join(root, 'bench/scenarios')).map((f) => readFileSync(join(root, 'bench/scenarios', f), 'utf8'));

describe('the scenario JSON Schema', () => {
  const shipped: Array<[string, unknown]> = [
    ['the defaults', {}],
    ['suites/nightly', nightly],
    ['suites/pr', pr],
    ...benchScenarios.map((text, i): [string, unknown] => [`bench scenario ${i}`, yamlOf(text)]),
    ...readmeScenarios.map((text, i): [string, unknown] => [`README example ${i}`, yamlOf(text)]),
  ];
  it.each(shipped)('accepts %s, as the loader does', (_name, data) => {
    expect(loaderVerdict(data)).toEqual([]);
    expect(schemaVerdict(data)).toEqual([]);
  });

  it.each([
    ['an unknown field', 'vms: { count: 4 }\nhostz: 2\n', 'hostz'],
    ['an unknown nested field', 'hosts: { count: 2, coers: 4 }\n', 'hosts.coers'],
    ['a wrong type', 'vms: { count: many }\n', 'vms.count'],
    ['a number too small', 'hosts: { count: 0 }\n', 'hosts.count'],
    ['a fraction where a whole number goes', 'vms: { count: 2.5 }\n', 'vms.count'],
    ['a duration in no unit', 'deadline: 5 days\n', 'deadline'],
    ['a clock of no kind', 'clock: wall\n', 'clock'],
    ['a load mode of no kind', 'load: { mode: burst }\n', 'load.mode'],
    ['a distribution of no kind', 'latency: { vmm: { deploy: { dist: gamma } } }\n', 'latency.vmm.deploy'],
    ['a probability above 1', 'faults: { operations: { tm.clone: { failRate: 2 } } }\n', 'faults.operations.tm.clone.failRate'],
    ['a negative store', 'store: { mbps: -1 }\n', 'store.mbps'],
  ])('refuses %s at the field the loader names', (_name, text, field) => {
    const data = yamlOf(text);
    // a bad variant of a union the loader may name by its discriminator (`.dist`)
    expect(loaderVerdict(data).some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
    expect(schemaVerdict(data).some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
  });
});
