import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { groupFailures, seconds, summaryLine, verdictActual, verdictSentence } from './format.js';
import { REPORTERS, writeReports } from './index.js';
import { resultJson } from './json.js';
import { junitXml } from './junit.js';
import { summaryMarkdown } from './markdown.js';
import { sampleResult } from './test-support/sample-result.js';

describe('format', () => {
  it('rounds seconds to 0.1 with halves up', () => {
    expect([4.55, 1.45, 0.75, 0.04, 24.66666, 0].map((x) => seconds(x))).toEqual(['4.6', '1.5', '0.8', '0.0', '24.7', '0.0']);
    expect(seconds(null)).toBe('-');
    expect(seconds(4.9605, 3)).toBe('4.961');
  });

  it('shows a verdict with enough digits to agree with it', () => {
    const v = { stage: 'total', expression: 'max < 5s', actual: 4.96, pass: true, unit: 's' as const, threshold: 5 };
    expect(verdictActual(v)).toBe('4.960 s'); // not "5.0 s"
    expect(verdictActual({ ...v, actual: 61.23 })).toBe('61.2 s');
    expect(verdictActual({ ...v, unit: 'count', actual: 1 })).toBe('1 VM');
    expect(verdictActual({ ...v, unit: '%', actual: 1.5 })).toBe('1.5%');
    expect(verdictSentence({ ...v, actual: 61.23, pass: false })).toBe('total max < 5s failed: measured 61.2 s');
    expect(verdictSentence({ ...v, actual: null, pass: false })).toBe(
      'total max < 5s failed: no VM has the stage total, so nothing could be measured',
    );
  });

  it('sums the run up in one line', () => {
    expect(summaryLine(sampleResult())).toBe(
      '6 VMs requested: 4 up, 1 failed, 1 timed out; total mean 30.1 s, p95 38.8 s; 2 of 3 budgets failed (exit 1)',
    );
  });

  it('groups failures by outcome, stage and reason, largest first', () => {
    const f = (index: number, reason: string) => ({ index, vmId: index < 7 ? index : null, outcome: 'failed' as const, reason, stage: 'BOOT-RUNNING' as const, state: 'BOOT_FAILURE' });
    const groups = groupFailures([f(1, 'b'), f(2, 'a'), f(3, 'a'), f(4, 'a'), f(5, 'a'), f(6, 'a'), f(8, 'a')]);
    expect(groups).toEqual([
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'a', count: 6, examples: ['2', '3', '4', '5', '6'] },
      { outcome: 'failed', stage: 'BOOT-RUNNING', reason: 'b', count: 1, examples: ['1'] },
    ]);
  });
});

describe('json reporter', () => {
  it('orders keys by what they are, not by how the result was built', () => {
    const a = sampleResult();
    const shuffled = Object.fromEntries(Object.entries(sampleResult()).reverse()) as typeof a;
    shuffled.scenario = { seed: 1, profile: 'optimized', hosts: { cores: 8, count: 2 }, budgets: { total: ['p95 < 80s'] }, vms: 6 };
    shuffled.stages = Object.fromEntries(Object.entries(a.stages).reverse()) as typeof a.stages;
    expect(resultJson(shuffled)).toBe(resultJson(a));
    const text = resultJson(a);
    expect(Object.keys(JSON.parse(text))).toEqual(['scenario', 'vms', 'failures', 'stages', 'budgets', 'findings', 'crossCheck', 'lag', 'exitCode', 'environment']);
    expect(Object.keys(JSON.parse(text).stages)).toEqual(['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total']);
    expect(Object.keys(JSON.parse(text).stages.total)).toEqual(['count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max']);
    expect(text).toContain('\n  "vms": {\n    "requested": 6,');
    expect(text).toContain('"mean": 24.66666'); // full precision, rounded only when rendered
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('differs between two runs of one seed only in environment', () => {
    const a = resultJson(sampleResult());
    const b = resultJson(sampleResult({ environment: { ...sampleResult().environment, wallMs: 999, startedAt: '2026-02-02T00:00:00.000Z' } }));
    expect(a).not.toBe(b);
    const strip = (s: string) => s.slice(0, s.indexOf('"environment"'));
    expect(strip(a)).toBe(strip(b));
  });
});

describe('markdown reporter', () => {
  const md = summaryMarkdown(sampleResult());

  it('has the stage table in emulated seconds to 0.1 s', () => {
    expect(md).toContain('| stage | VMs | mean | p50 | p95 | max |');
    expect(md).toContain('| START-PENDING | 6 | 0.0 | 0.0 | 0.0 | 0.0 |');
    expect(md).toContain('| RUNNING-NET-MSG | 4 | 24.7 | 24.0 | 31.3 | 31.3 |');
    expect(md).toContain('| PROLOG-BOOT | 4 | 3.1 | 3.0 | 4.6 | 4.6 |');
    expect(md).toContain('| total | 4 | 30.1 | 30.0 | 38.8 | 38.8 |');
  });

  it('lists verdicts, failures with escaped pipes, and the lag line', () => {
    expect(md.split('\n')[0]).toBe('## stampede: 6 VMs, 2 of 3 budgets failed');
    expect(md).toContain('| **FAIL** | PENDING-PROLOG | `max < 1s` | 1.000 s |');
    expect(md).toContain('| pass | total | `p95 < 80s` | 38.8 s |');
    expect(md).toContain('### VMs not up: 1 failed, 1 timed out');
    expect(md).toContain('| 1 | failed | PROLOG-BOOT | TRANSFER: CLONE \\| qcow2 failed | 2 |');
    expect(md).toContain('| 1 | timed out | BOOT-RUNNING | no NET-MSG by the deadline | 5 |');
    expect(md).toContain('Emulator lag: none (virtual clock, 1234 timers).');
  });

  it('names findings and a stack that does not mark up VMs RUNNING', () => {
    const text = summaryMarkdown(
      sampleResult({
        findings: [{ pathology: 'vmm-host-lock', stage: 'BOOT-RUNNING', evidence: 'VMM deploys on host-03 never overlapped (max 1 in flight)' }],
        crossCheck: { polled: 6, upButNotRunning: 2, examples: [{ vmId: 3, state: 'BOOT' }, { vmId: 4, state: 'BOOT' }] },
        budgets: [],
      }),
    );
    expect(text.split('\n')[0]).toBe('## stampede: 6 VMs, a detector fired');
    expect(text).toContain('- **vmm-host-lock** (BOOT-RUNNING): VMM deploys on host-03 never overlapped (max 1 in flight)');
    expect(text).toContain('Cross-check: 2 VMs are up but the stack does not show them RUNNING, e.g. 3 (BOOT), 4 (BOOT).');
    expect(text).not.toContain('### Budgets');
  });
});

describe('junit reporter', () => {
  it('has one testcase per budget, failing with the sentence, and one per finding', () => {
    const xml = junitXml(
      sampleResult({ findings: [{ pathology: 'serial-submit', stage: 'START-PENDING', evidence: 'requests arrived one at a time & 2 < 3' }] }),
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

describe('writeReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-reports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every registered format into the report directory', async () => {
    expect(Object.keys(REPORTERS)).toEqual(['json', 'markdown', 'junit']);
    const out = join(dir, 'scale-report');
    const paths = await writeReports(sampleResult(), out);
    expect(paths).toEqual(['result.json', 'summary.md', 'junit.xml'].map((f) => join(out, f)));
    expect(JSON.parse(readFileSync(paths[0]!, 'utf8')).vms.up).toBe(4);
    await expect(writeReports(sampleResult(), out, ['html'])).rejects.toThrow('unknown report format "html"');
  });
});
