import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { Result } from '../harness/result.js';
import { verdictSentence } from './format.js';
import type { Reporter } from './reporter.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, indentBy: '  ', suppressEmptyNode: true });

/**
 * junit.xml: one testcase per budget, failing with the verdict's sentence, and one failing
 * testcase per detector finding, so CI test views show why a run exited 1.
 */
export function junitXml(result: Result): string {
  const budgetCases = result.budgets.map((v) => ({
    '@classname': `stampede.budgets.${v.stage}`,
    '@name': v.expression,
    ...(v.pass ? {} : { failure: { '@type': 'budget', '@message': verdictSentence(v), '#text': verdictSentence(v) } }),
  }));
  const suites: object[] = [
    { '@name': 'stampede.budgets', '@tests': budgetCases.length, '@failures': result.budgets.filter((v) => !v.pass).length, testcase: budgetCases },
  ];
  if (result.findings.length > 0) {
    const findingCases = result.findings.map((f) => ({
      '@classname': `stampede.findings.${f.stage}`,
      '@name': f.pathology,
      failure: { '@type': 'finding', '@message': f.evidence, '#text': f.evidence },
    }));
    suites.push({ '@name': 'stampede.findings', '@tests': findingCases.length, '@failures': findingCases.length, testcase: findingCases });
  }
  const tests = budgetCases.length + result.findings.length;
  const failures = result.budgets.filter((v) => !v.pass).length + result.findings.length;
  const doc = { testsuites: { '@name': 'stampede', '@tests': tests, '@failures': failures, testsuite: suites } };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(doc) as string}`;
}

export const junit: Reporter = {
  name: 'junit',
  file: 'junit.xml',
  async write(result, dir) {
    const path = join(dir, this.file);
    await mkdir(dir, { recursive: true });
    await writeFile(path, junitXml(result));
    return path;
  },
};
