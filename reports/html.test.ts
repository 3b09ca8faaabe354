import { describe, expect, it } from 'vitest';
import { chartsOf } from './charts.js';
import { reportHtml } from './html.js';
import { sampleResult } from './test-support/sample-result.js';

// The page of a real run, opened in headless Chromium, is tested in suites/report/.
describe('index.html', () => {
  it('says the verdicts first, in sentences, escapes what it quotes, and the scenario last', async () => {
    const finding = { detector: 'x', pathology: 'vmm-host-lock', hosts: ['host-01'], stage: 'BOOT-RUNNING' as const, evidence: 'never overlapped <script>alert(1)</script>' };
    const page = await reportHtml(sampleResult({ findings: [finding] }));
    expect(page.indexOf('id="verdicts"')).toBeLessThan(page.indexOf('id="stages"'));
    expect(page.indexOf('id="stages"')).toBeLessThan(page.indexOf('id="run"'));
    expect(page).toContain('<strong>vmm-host-lock</strong> (BOOT-RUNNING): never overlapped &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('PENDING-PROLOG max &lt; 1s failed: measured 1.000 s.');
    expect(page).toContain('2 of 6 VMs did not come up: 1 failed, 1 timed out');
    expect(page).not.toContain('<script');
  });

  it('draws no chart for a result without series, and says how to get them', async () => {
    expect(chartsOf(sampleResult())).toEqual([]);
    const page = await reportHtml(sampleResult());
    expect(page).not.toContain('<figure');
    expect(page).toContain('carries no time series');
  });
});
