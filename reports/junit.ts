import { XMLBuilder } from 'fast-xml-parser';
import type { Result } from '../harness/result.js';
import { emulatedSpan, runLine, verdictSentence } from './format.js';
import type { Reporter } from './reporter.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '  ', suppressEmptyNode: true, suppressBooleanAttributes: false });

/**
 * junit.xml: one testcase per budget, failing with the verdict's sentence, and one failing
 * testcase per detector finding, so CI test views show why a run exited 1; an interrupted run
 * adds a testcase in error that says so. Suites and classnames carry the scenario's name, so
 * two scenarios' files merged by a CI view do not collide; `time` is the run's wall time in
 * seconds (the whole judgement, on the suites; 0 on each case), and the properties say what ran.
 */
export function junitXml(result: Result): string {
  const name = result.run.name;
  const wall = (result.environment.wallMs / 1000).toFixed(3);
  const budgetCases = result.budgets.map((v) => ({
    '@classname': `stampede.${name}.budgets.${v.stage}`,
    '@name': v.expression,
    '@time': '0',
    ...(v.pass ? {} : { failure: { '@type': 'budget', '@message': verdictSentence(v), '#text': verdictSentence(v) } }),
  }));
  const properties = {
    property: [
      ['scenario', name],
      ['profile', result.run.profile],
      ['seed', String(result.run.seed)],
      ['vms', String(result.vms.requested)],
      ['hosts', String(result.run.hosts)],
      ['clock', result.run.clock],
      ['emulatedSeconds', emulatedSpan(result).toFixed(1)],
      ['deadlineHit', String(result.run.deadlineHit)],
      ['interrupted', result.interrupted?.signal ?? 'no'],
      ['exitCode', String(result.exitCode)],
    ].map(([n, value]) => ({ '@name': n, '@value': value })),
  };
  const suite = (suiteName: string, cases: object[], failures: number, errors = 0): object => ({
    '@name': `stampede.${name}.${suiteName}`,
    '@tests': cases.length,
    '@failures': failures,
    '@errors': errors,
    '@time': wall,
    '@timestamp': result.environment.startedAt.replace(/\.\d+Z$|Z$/, ''),
    properties,
    testcase: cases,
  });

  const suites: object[] = [];
  if (result.interrupted) {
    const message = `the run was interrupted by ${result.interrupted.signal}: its figures are partial and its budgets were not judged on a finished run. ${runLine(result)}`;
    suites.push(suite('run', [{ '@classname': `stampede.${name}.run`, '@name': 'finished', '@time': '0', error: { '@type': 'interrupted', '@message': message, '#text': message } }], 0, 1));
  }
  suites.push(suite('budgets', budgetCases, result.budgets.filter((v) => !v.pass).length));
  if (result.findings.length > 0) {
    const findingCases = result.findings.map((f) => ({
      '@classname': `stampede.${name}.findings.${f.stage}`,
      '@name': f.pathology,
      '@time': '0',
      failure: { '@type': 'finding', '@message': f.evidence, '#text': f.evidence },
    }));
    suites.push(suite('findings', findingCases, findingCases.length));
  }
  const tests = budgetCases.length + result.findings.length + (result.interrupted ? 1 : 0);
  const failures = result.budgets.filter((v) => !v.pass).length + result.findings.length;
  const doc = {
    testsuites: {
      '@name': `stampede.${name}`,
      '@tests': tests,
      '@failures': failures,
      '@errors': result.interrupted ? 1 : 0,
      '@time': wall,
      testsuite: suites,
    },
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc) as string}`;
}

export const junit: Reporter = {
  name: 'junit',
  files: ['junit.xml'],
  render: (result) => [{ name: 'junit.xml', content: junitXml(result) }],
};
