import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitXml } from './junit.js';
import { sampleResult } from './test-support/sample-result.js';

describe('junit reporter', () => {
  it('has one testcase per budget, failing with the sentence, and one per finding', () => {
    const xml = junitXml(
      sampleResult({ findings: [{ detector: 'serial-submit', pathology: 'serial-submit', hosts: [], stage: 'START-PENDING', evidence: 'requests arrived one at a time & 2 < 3' }] }),
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
    expect(doc.testsuites).toMatchObject({ name: 'stampede', tests: '4', failures: '3' });
    const [budgets, findings] = doc.testsuites.testsuite;
    expect(budgets.testcase.map((c: { name: string }) => c.name)).toEqual(['p95 < 80s', 'max < 1s', '== 0']);
    expect(budgets.testcase[0].failure).toBeUndefined();
    expect(budgets.testcase[1].failure).toMatchObject({ type: 'budget', message: 'PENDING-PROLOG max < 1s failed: measured 1.000 s' });
    expect(findings.testcase[0]).toMatchObject({ classname: 'stampede.findings.START-PENDING', name: 'serial-submit' });
    expect(findings.testcase[0].failure.message).toBe('requests arrived one at a time & 2 < 3');
    expect(xml).toContain('name="p95 &lt; 80s"');
  });
});
