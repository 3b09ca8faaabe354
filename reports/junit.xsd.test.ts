import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { junitXml } from './junit.js';
import { sampleResult } from './test-support/sample-result.js';

/** The JUnit profile CI systems read (reports/test-support/junit.xsd says whose, and how it is stricter). */
const schema = readFileSync(new URL('./test-support/junit.xsd', import.meta.url), 'utf8');

async function errorsOf(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
  return result.errors.map((e) => e.message.trim());
}

describe('junit.xml against the JUnit schema', () => {
  it('validates for a run with failing budgets and findings, an interrupted run, and a run without budgets', async () => {
    const finding = { detector: 'serial-submit', pathology: 'serial-submit', hosts: [], stage: 'START-PENDING' as const, evidence: 'one at a time & <slow>' };
    const docs = [
      junitXml(sampleResult({ findings: [finding] })),
      junitXml(sampleResult({ interrupted: { signal: 'SIGTERM' }, exitCode: 143 })),
      junitXml(sampleResult({ budgets: [], exitCode: 0 })),
    ];
    for (const xml of docs) expect(await errorsOf(xml)).toEqual([]);
  });

  it('is a schema that can fail: a suite without its counts, or a time with a unit, is refused', async () => {
    const xml = junitXml(sampleResult());
    expect(await errorsOf(xml.replace(/(<testsuite name="[^"]*") tests="\d+"/, '$1'))).not.toEqual([]);
    expect(await errorsOf(xml.replace(/time="([\d.]+)"/, 'time="$1s"'))).not.toEqual([]);
  });
});
