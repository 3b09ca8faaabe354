import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPORTERS, clearReports, ownedFiles, writeReports } from './index.js';
import { sampleResult } from './test-support/sample-result.js';

describe('reports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stampede-reports-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders every registered format to files and writes them in one place', async () => {
    expect(Object.keys(REPORTERS)).toEqual(['json', 'markdown', 'junit', 'benchmark', 'html']);
    for (const reporter of Object.values(REPORTERS)) {
      const files = await reporter.render(sampleResult());
      expect(files.map((f) => f.name)).toEqual(reporter.files);
    }
    const out = join(dir, 'scale-report');
    const paths = await writeReports(sampleResult(), out);
    expect(paths).toEqual(['result.json', 'summary.md', 'junit.xml', 'benchmark.json', 'index.html'].map((f) => join(out, f)));
    expect(JSON.parse(readFileSync(paths[0]!, 'utf8')).vms.up).toBe(4);
    expect(readdirSync(out).sort()).toEqual(['benchmark.json', 'index.html', 'junit.xml', 'result.json', 'summary.md']); // no partial files left
    await expect(writeReports(sampleResult(), out, { formats: ['pdf'] })).rejects.toThrow('unknown report format "pdf"');
  });

  it('clears exactly the files a run owns, and nothing else in the directory', async () => {
    const owned = ownedFiles();
    expect(owned).toEqual(['result.json', 'summary.md', 'junit.xml', 'benchmark.json', 'index.html', 'trace.jsonl']);
    for (const f of [...owned, 'notes.txt', 'index.html.bak']) writeFileSync(join(dir, f), 'old');
    mkdirSync(join(dir, 'screenshots'));
    await clearReports(dir);
    expect(readdirSync(dir).sort()).toEqual(['index.html.bak', 'notes.txt', 'screenshots']);
    await clearReports(join(dir, 'missing')); // nothing there yet: fine
  });
});
