/**
 * The report of the nightly run, as figures: how long rendering every report of a 512-VM run
 * takes (index.html's charts, through vega-lite and vega, dominate), and how large index.html is.
 * Against the build in `--root` (this checkout's dist/, or another commit's for
 * `npm run bench -- --compare REF`).
 *
 *   npx tsx bench/report.ts [--root DIR] [--json] [--rounds N]
 *
 * "cold" is the first render in a fresh process, vega and vega-lite loaded on the way; "warm" the
 * median of the next N renders (process CPU ms, steadier than wall time on a shared machine; the
 * wall-time median is printed beside it). A build without the HTML report is left out, not failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Result } from '../harness/result.js';
import { wallClock } from '../harness/wall-clock.js';
import type { ReportContext, ReportFile } from '../reports/reporter.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, json: { type: 'boolean', default: false }, rounds: { type: 'string', default: '5' } } });
const root = values.root ?? new URL('..', import.meta.url).pathname;
const rounds = Math.max(1, Number(values.rounds) || 5);

interface Reporters {
  REPORTERS: Record<string, { render(r: Result, t?: unknown, c?: ReportContext): ReportFile[] | Promise<ReportFile[]> }>;
}
interface Harness {
  run(resolved: unknown): Promise<Result>;
  resolveScenario(input: unknown): unknown;
}

const load = async <T>(module: string): Promise<T | undefined> => {
  const file = join(root, 'dist', module);
  return existsSync(file) ? ((await import(pathToFileURL(file).href)) as T) : undefined;
};
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const wall = wallClock();
const wallNow = (): number => wall.now();

const harness = await load<Harness>('harness/index.js');
const reports = await load<Reporters>('reports/index.js');
const out: Array<{ name: string; unit: string; value: number }> = [];
if (harness && reports && 'html' in reports.REPORTERS) {
  const result = await harness.run(harness.resolveScenario({}));
  const renderAll = async (): Promise<ReportFile[]> => (await Promise.all(Object.values(reports.REPORTERS).map((r) => r.render(result)))).flat();
  const time = async (): Promise<{ cpu: number; wall: number; files: ReportFile[] }> => {
    const [c, w] = [cpuNow(), wallNow()];
    const files = await renderAll();
    return { cpu: cpuNow() - c, wall: wallNow() - w, files };
  };
  const cold = await time();
  const warm: Array<{ cpu: number; wall: number }> = [];
  for (let i = 0; i < rounds; i += 1) warm.push(await time());
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const html = cold.files.find((f) => f.name === 'index.html')!;
  out.push(
    { name: `report: every file of the ${result.vms.requested}-VM run, cold (CPU)`, unit: 'ms', value: cold.cpu },
    { name: `report: every file of the ${result.vms.requested}-VM run, warm (CPU)`, unit: 'ms', value: median(warm.map((w) => w.cpu)) },
    { name: `report: every file of the ${result.vms.requested}-VM run, warm (wall)`, unit: 'ms', value: median(warm.map((w) => w.wall)) },
    { name: `report: index.html of the ${result.vms.requested}-VM run`, unit: 'KiB', value: Buffer.byteLength(html.content) / 1024 },
  );
}
if (values.json) console.log(JSON.stringify(out));
else for (const f of out) console.log(`${f.name}: ${f.value.toFixed(f.unit === 'ms' ? 0 : 1)} ${f.unit}`);
