import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../harness/run.js';
import { resolveScenario } from '../harness/scenario.js';
import { writeReports } from '../reports/index.js';
import { sampleResult } from '../reports/test-support/sample-result.js';
import { main, type CliDeps } from './main.js';

function cli(): { deps: CliDeps; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    run: async () => sampleResult(),
    stdout: { isTTY: false, write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    signals: new EventEmitter(),
  };
  return { deps, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('stampede report DIR', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-report-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("re-renders every report of a real run from its result.json and trace.jsonl, the series derived again", async () => {
    const result = await run(resolveScenario({ vms: { count: 24 }, hosts: { count: 2 } }), { out: dir });
    // an older result.json without series, and its other reports gone
    const { series, ...older } = result;
    writeFileSync(join(dir, 'result.json'), JSON.stringify(older));
    const c = cli();
    expect(await main(['report', dir], c.deps)).toBe(0);
    for (const f of ['result.json', 'summary.md', 'junit.xml', 'benchmark.json']) expect(existsSync(join(dir, f))).toBe(true);
    expect(c.stdout()).toContain(join(dir, 'benchmark.json'));
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).series).toEqual(series);
    expect(c.stderr()).toBe('');
  });

  it('draws the series result.json holds when there is no trace, and the baseline it is given', async () => {
    await writeReports(sampleResult(), dir);
    const c = cli();
    expect(await main(['report', dir], c.deps)).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('stampede sample');
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('data-chart="baseline"');
    const base = join(dir, 'base.json');
    writeFileSync(base, JSON.stringify(sampleResult()));
    expect(await main(['report', dir, '--baseline', base], cli().deps)).toBe(0);
    const page = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(page).toContain('data-chart="baseline"');
    expect(page).toContain(`Against the baseline ${base}: total mean 30.1 s -&gt; 30.1 s (+0.0%)`);
  });

  it('exits 2 with one sentence on a missing directory, a directory without a result, a bad result or a bad trace line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['report', join(dir, 'nowhere')], /report directory ".*nowhere" does not exist or is not a directory/],
      [['report', dir], /result ".*result.json" does not exist/],
    ];
    for (const [argv, message] of cases) {
      const c = cli();
      expect(await main(argv, c.deps)).toBe(2);
      expect(c.stderr()).toMatch(message);
      expect(c.stderr().trim().split('\n')).toHaveLength(1);
    }
    writeFileSync(join(dir, 'result.json'), '{"vms": 1}');
    const bad = cli();
    expect(await main(['report', dir], bad.deps)).toBe(2);
    expect(bad.stderr()).toMatch(/is not a stampede result.json: it lacks/);

    await writeReports(sampleResult(), dir);
    writeFileSync(join(dir, 'trace.jsonl'), '{"t":0,"type":"submit","index":0}\n');
    appendFileSync(join(dir, 'trace.jsonl'), 'not json\n');
    const trace = cli();
    expect(await main(['report', dir], trace.deps)).toBe(2);
    expect(trace.stderr()).toMatch(/^stampede: trace ".*trace.jsonl" line 2 is not JSON: not json\n$/);
  });
});
