/**
 * The harness's own speed: wall time and peak RSS of whole runs in virtual time, each in its
 * own process (peak RSS is per process), through the built CLI as a user would run it.
 *
 *   npm run bench                 nightly, opennebula-4.4 and 100k
 *   npm run bench -- nightly      only the named ones
 *
 * "wall" is the process from start to exit (node start-up included); "run" is run() alone, as
 * result.json's environment records it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Result } from '../harness/result.js';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/stampede.js');

const SCENARIOS: Record<string, string | undefined> = {
  nightly: undefined, // the defaults
  'opennebula-4.4': join(root, 'bench/scenarios/opennebula-4.4.yaml'),
  '100k': join(root, 'bench/scenarios/100k.yaml'),
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in SCENARIOS)) fail(`unknown bench scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
if (!existsSync(cli)) fail('dist/cli/stampede.js is missing: run `npm run build` first (npm run bench does)');

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('scenario          VMs     hosts   trace span up/requested   wall      run       peak RSS');
for (const name of wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) {
  const out = mkdtempSync(join(tmpdir(), `stampede-bench-${name}-`));
  const file = SCENARIOS[name];
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--max-semi-space-size=64', cli, 'run', ...(file ? [file] : []), '--out', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = performance.now() - t0;
  if (child.status !== 0 && child.status !== 1) fail(`${name}: stampede exited ${child.status}\n${child.stderr}`);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Result;
  const s = result.scenario as { vms: { count: number }; hosts: { count?: number } | unknown[] };
  const hosts = Array.isArray(s.hosts) ? s.hosts.length : (s.hosts.count ?? 0);
  const span = lastEventSeconds(join(out, 'trace.jsonl'));
  console.log(
    [
      name.padEnd(16),
      String(s.vms.count).padStart(6),
      String(hosts).padStart(8),
      `${span.toFixed(0)} s`.padStart(10),
      `${result.vms.up}/${result.vms.requested}`.padStart(14),
      `${(wallMs / 1000).toFixed(2)} s`.padStart(9),
      `${(result.environment.wallMs / 1000).toFixed(2)} s`.padStart(9),
      `${result.environment.peakRssMiB} MiB`.padStart(11),
    ].join(' '),
  );
  rmSync(out, { recursive: true, force: true });
}

/** Emulated seconds from the first to the last event of the trace. */
function lastEventSeconds(trace: string): number {
  const text = readFileSync(trace, 'utf8');
  const first = /"t":([\d.]+)/.exec(text);
  const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
  const last = /"t":([\d.]+)/.exec(lastLine);
  return first && last ? (Number(last[1]) - Number(first[1])) / 1000 : 0;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
