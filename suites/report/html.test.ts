import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../harness/result.js';
import { resolveScenario } from '../../harness/scenario.js';
import { runSeeds } from '../../harness/seeds.js';
import { seriesOfTrace } from '../../harness/series.js';
import type { TraceEvent } from '../../harness/trace-event.js';
import { chartsOf } from '../../reports/charts.js';
import { reportHtml } from '../../reports/html.js';
import { sampleResult } from '../../reports/test-support/sample-result.js';
import { writeReports } from '../../reports/index.js';

const CHROMIUM = '/usr/bin/chromium';
/** Why the browser test cannot run here, in one line; undefined when it can. */
const NO_BROWSER = existsSync(CHROMIUM) ? undefined : `skipped: no ${CHROMIUM} here (ci/setup-chromium.sh installs Debian's chromium)`;

/** What each chart must have drawn, from the data it was given: SVG elements inside vega's mark groups. */
function expectedMarks(result: Result): Record<string, number> {
  const s = result.series!;
  const tl = s.timeline;
  const phases = Object.values(tl.phases).filter((v) => v.some((n) => n > 0)).length;
  return {
    'deploy-bars': s.bars.stages.flat().filter((x) => x > 0).length,
    // the line, a rule and a label per budget on total
    'deploy-cdf': 1 + 2 * result.budgets.filter((v) => v.stage === 'total' && v.unit === 's').length,
    phases,
    'in-flight': 2,
    'busiest-hosts': 2 * tl.busiest.length,
    'host-heatmap': tl.heat.inFlight.flat().filter((n) => n > 0).length,
    // a line and a point per seed for each of mean, p95, max
    seeds: 3 + 3 * result.seeds!.runs.length,
    // mean and p95 of six stages, baseline and this run
    baseline: 2 * 6 * 2,
  };
}

describe('index.html', () => {
  let dir: string;
  let result: Result;
  let baseline: Result;
  // $STAMPEDE_OUT keeps the report and its screenshot (CI's artifacts), else a temporary directory
  const keep = process.env['STAMPEDE_OUT'];
  beforeAll(async () => {
    dir = keep ? join(keep, 'report') : mkdtempSync(join(tmpdir(), 'stampede-html-'));
    // a real run, small and in virtual time: two seeds (the spread chart), judged against a baseline
    const scenario = { vms: { count: 64 }, hosts: { count: 4 }, budgets: { total: ['p95 < 60s', 'max < 30s'] } };
    result = await runSeeds(resolveScenario(scenario, { seeds: '1,2' }), { out: dir });
    baseline = await runSeeds(resolveScenario({ ...scenario, profile: 'opennebula-4.4' }, { seeds: '3' }));
    await writeReports(result, dir, { baseline: { result: baseline, label: 'opennebula-4.4 seed 3' } });
  }, 120_000);
  afterAll(() => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });

  it('puts the verdicts first and the scenario last, and needs nothing from the network', () => {
    const page = readFileSync(join(dir, 'index.html'), 'utf8');
    const at = (text: string): number => page.indexOf(text);
    expect(at('id="verdicts"')).toBeGreaterThan(0);
    expect(at('id="verdicts"')).toBeLessThan(at('id="deploy-bars"'));
    expect(at('id="deploy-bars"')).toBeLessThan(at('id="run"'));
    expect(page).toContain('total max &lt; 30s failed: measured');
    expect(page).toContain("default-src 'none'");
    // no script, and no URL the page could fetch: `url(#clip)` is a reference inside the page, the SVG namespace a name
    expect(page.match(/<script|<link|<img|<iframe|url\((?!#)/gi)).toBeNull();
    expect(page.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, '').match(/https?:\/\/\S{0,40}/g)).toBeNull();
  });

  it('stays under 2 MB however large the run: 5,000 VMs on 200 hosts draw no more than 512 bars and 32 hosts', async () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const host = `host-${String(i % 200).padStart(3, '0')}`;
      const t = i * 3;
      events.push(
        { t, type: 'submit', index: i },
        { t: t + 10, type: 'answer', index: i, vmId: i },
        { t: t + 500 + (i % 97) * 40, type: 'tm.start', vmId: i, host, action: 'prolog' },
        { t: t + 4500 + (i % 89) * 50, type: 'tm.end', vmId: i, host, action: 'prolog', result: 'SUCCESS' },
        { t: t + 4500 + (i % 89) * 50, type: 'vmm.start', vmId: i, host, action: 'DEPLOY' },
        { t: t + 6000 + (i % 83) * 60, type: 'vmm.end', vmId: i, host, action: 'DEPLOY', result: 'SUCCESS' },
        { t: t + 40_000 + (i % 79) * 300, type: 'net-msg', vmId: i, host },
      );
    }
    events.sort((a, b) => a.t - b.t);
    const series = seriesOfTrace(events);
    expect(series.bars.stages.length).toBeLessThanOrEqual(512);
    expect(series.timeline.heat.hosts).toHaveLength(32);
    const page = await reportHtml(sampleResult({ series }));
    expect(Buffer.byteLength(page)).toBeLessThan(2 * 1024 * 1024);
    expect(page).toContain('Each bar is the mean of 10 VMs of adjacent rank');
    expect(page).toContain('the 32 hosts of 200 with the most action time');
  }, 120_000);

  it('draws every chart the result has data for', () => {
    expect(chartsOf(result, { result: baseline, label: 'b' }).map((c) => c.id)).toEqual(Object.keys(expectedMarks(result)));
  });

  it.skipIf(NO_BROWSER !== undefined)(`opens in headless Chromium: every chart drew its marks, nothing was logged or fetched${NO_BROWSER ? ` (${NO_BROWSER})` : ''}`, async () => {
    const profile = mkdtempSync(join(tmpdir(), 'stampede-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1000, height: 900 },
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      const fetched: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
      // vega's data marks: children of its `role-mark` groups (axes, legends and titles have other roles)
      const drawn = await page.$$eval('figure[data-chart]', (figures) =>
        Object.fromEntries(
          figures.map((f) => [
            f.getAttribute('data-chart'),
            f.querySelectorAll('svg g.role-mark > path, svg g.role-mark > line, svg g.role-mark > text, svg g.role-mark > rect').length,
          ]),
        ),
      );
      expect(drawn).toEqual(expectedMarks(result));
      // every figure is laid out with a visible size
      const sizes = await page.$$eval('figure[data-chart] svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().width));
      for (const w of sizes) expect(w).toBeGreaterThan(300);
      const shot = join(dir, 'screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(problems).toEqual([]);
      expect(fetched).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});
