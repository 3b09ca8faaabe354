import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleResult } from '../reports/test-support/sample-result.js';
import { percent, secondsValue } from './compare.js';
import { main, type CliDeps } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'stampede-compare-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

const base = sampleResult();
const slower = { ...base, stages: { ...base.stages, total: { ...base.stages.total, p95: 41.5 } } };
const scaled = (r: typeof base) => ({ ...r, lag: { ...r.lag, clock: 'scaled' as const } });
const file = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

describe('stampede compare', () => {
  it('exits 0 when nothing got worse and 1 when something did, the change shown exactly', async () => {
    const same = cli();
    expect(await main(['compare', file('a.json', base), file('b.json', base)], same.deps)).toBe(0);
    expect(same.stdout()).toContain('0 worse, 0 better');
    const worse = cli();
    expect(await main(['compare', file('a.json', base), file('c.json', slower)], worse.deps)).toBe(1);
    expect(worse.stdout()).toContain('| total | p95 | 38.840 s | 41.500 s | +2.660 s (+6.85%) | **worse** |');
  });

  it('applies the floors to scaled-clock runs: default 10% and 0.5 s, or the flags', async () => {
    const h = cli();
    expect(await main(['compare', file('sa.json', scaled(base)), file('sc.json', scaled(slower))], h.deps)).toBe(0);
    const tight = cli();
    const argv = ['compare', join(dir, 'sa.json'), join(dir, 'sc.json'), '--relative-floor', '5%', '--absolute-floor', '500ms'];
    expect(await main(argv, tight.deps)).toBe(1);
  });

  it('cannot compare what is not a result: one sentence, exit 2', async () => {
    const h = cli();
    expect(await main(['compare', file('a.json', base), file('junk.json', { hello: 1 })], h.deps)).toBe(2);
    expect(h.stderr()).toMatch(/^stampede: HEAD ".*junk.json" is not a stampede result.json: it lacks stages, /);
  });

  it('reads floors as percentages or fractions, seconds or milliseconds', () => {
    expect(percent('10%')).toBeCloseTo(0.1);
    expect(percent('0.2')).toBe(0.2);
    expect(secondsValue('500ms')).toBe(0.5);
    expect(secondsValue('2s')).toBe(2);
    expect(() => percent('ten')).toThrow('expected a percentage such as 10%');
  });
});
