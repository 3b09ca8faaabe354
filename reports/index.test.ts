import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORTERS, writeReports } from './index.js';
import { sampleResult } from './test-support/sample-result.js';

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
