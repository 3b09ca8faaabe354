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
    expect(doc.testsuites).toMatchObject({ name: 'stampede.sample', tests: '4', failures: '3', errors: '0', time: '0.812' });
    const [budgets, findings] = doc.testsuites.testsuite;
    expect(budgets.testcase.map((c: { name: string }) => c.name)).toEqual(['p95 < 80s', 'max < 1s', '== 0']);
    expect(budgets.testcase[0].failure).toBeUndefined();
    expect(budgets.testcase[1].failure).toMatchObject({ type: 'budget', message: 'PENDING-PROLOG max < 1s failed: measured 1.000 s' });
    expect(findings.testcase[0]).toMatchObject({ classname: 'stampede.sample.findings.START-PENDING', name: 'serial-submit' });
    expect(findings.testcase[0].failure.message).toBe('requests arrived one at a time & 2 < 3');
    expect(xml).toContain('name="p95 &lt; 80s"');
  });

  it('names its suites after the scenario, so two scenarios do not collide, and carries what ran', () => {
    const parse = (xml: string) =>
      new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'property'].includes(n) }).parse(xml);
    const pr = sampleResult({ run: { ...sampleResult().run, name: 'pr' } });
    const names = (xml: string) => parse(xml).testsuites.testsuite.map((s: { name: string }) => s.name);
    expect(names(junitXml(sampleResult()))).toEqual(['stampede.sample.budgets']);
    expect(names(junitXml(pr))).toEqual(['stampede.pr.budgets']);
    const [suite] = parse(junitXml(sampleResult())).testsuites.testsuite;
    expect(suite).toMatchObject({ time: '0.812', timestamp: '2026-01-01T00:00:00' });
    expect(Object.fromEntries(suite.properties.property.map((p: { name: string; value: string }) => [p.name, p.value]))).toEqual({
      scenario: 'sample', profile: 'optimized', seed: '1', vms: '6', hosts: '2', clock: 'virtual',
      emulatedSeconds: '3600.0', deadlineHit: 'true', interrupted: 'no', exitCode: '1',
    });
    expect(suite.testcase.every((c: { time: string }) => c.time === '0')).toBe(true);
  });

  it('has a testcase in error when the run was interrupted', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(
      junitXml(sampleResult({ interrupted: { signal: 'SIGINT' }, exitCode: 130 })),
    );
    expect(doc.testsuites).toMatchObject({ errors: '1', tests: '4' });
    const [run] = doc.testsuites.testsuite;
    expect(run).toMatchObject({ name: 'stampede.sample.run', errors: '1' });
    expect(run.testcase[0].error.message).toMatch(/^the run was interrupted by SIGINT: its figures are partial/);
  });
});
