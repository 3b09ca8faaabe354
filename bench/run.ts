/**
 * The harness's own speed, as figures: whole runs through the built CLI (each in its own process,
 * with its process CPU time, GC pauses, run() time and peak RSS), the cost per VM fitted over sizes, and the
 * micro-benchmarks of bench/micro.ts, and rendering the nightly run's reports (bench/report.ts).
 *
 *   npm run bench                          nightly, opennebula-4.4, 100k, fit, micro, report
 *   npm run bench -- nightly micro         only the named ones (1m only when named: minutes, GiBs)
 *   npm run bench -- --compare f64ed81     each figure beside the same figure of another commit
 *   npm run bench -- --rounds 3            each whole run that many times, the median kept
 *
 * With --compare, REF is checked out in a temporary git worktree (its node_modules linked to ours
 * when the lockfiles agree, `npm ci` otherwise), built, and every measurement runs for both
 * builds alternately, this one then REF, so that both see the same neighbours on a shared
 * machine: the ratio (this / REF) is the figure to read, not either side alone. The worktree is
 * removed at the end. A REF too old to read one of this commit's scenario files runs its own
 * file of that name, and a note under the table says so. CPU time is the process's own (user + system), steadier than wall time;
 * "run()" is result.json's environment.wallMs, run() alone in wall time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { Result } from '../harness/result.js';

const root = new URL('..', import.meta.url).pathname;
const probe = join(root, 'bench/cpu-probe.cjs');
const micro = join(root, 'bench/micro.ts');
const reportBenchFile = join(root, 'bench/report.ts');

interface Build {
  label: string;
  root: string;
}

/** A whole run: a scenario file (none: the defaults), measured as one process. */
const SCENARIOS: Record<string, string | undefined> = {
  nightly: undefined,
  'opennebula-4.4': join(root, 'bench/scenarios/opennebula-4.4.yaml'),
  '100k': join(root, 'bench/scenarios/100k.yaml'),
  '1m': join(root, 'bench/scenarios/1m.yaml'),
};
/** V8's default old space (about 4 GiB) holds 100,000 VMs, not a million. */
const NODE_FLAGS: Record<string, string[]> = { '1m': ['--max-old-space-size=7680'] };
/** Sizes the cost per VM is fitted over, 32 VMs per host as the nightly packs them. */
const FIT_SIZES = [512, 4096, 16_384, 50_000, 100_000];
const DEFAULT = ['nightly', 'opennebula-4.4', '100k', 'fit', 'micro', 'report'];
/** Benches that are not a whole run of a scenario. */
const OTHERS = ['fit', 'micro', 'report'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { compare: { type: 'string' }, rounds: { type: 'string' } },
});
const wanted = positionals.length > 0 ? positionals : DEFAULT;
for (const name of wanted) {
  if (!(name in SCENARIOS) && !OTHERS.includes(name)) {
    fail(`unknown bench "${name}"; known: ${[...Object.keys(SCENARIOS), ...OTHERS].join(', ')}`);
  }
}
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1)) fail(`--rounds takes a whole number >= 1, got "${values.rounds}"`);
if (!existsSync(join(root, 'dist/cli/stampede.js'))) fail('dist/cli/stampede.js is missing: run `npm run build` first (npm run bench does)');

const scratch = mkdtempSync(join(tmpdir(), 'stampede-bench-'));
const builds: Build[] = [{ label: 'this', root }];
let refTree: string | undefined;
const cleanUp = (): void => {
  if (refTree !== undefined) spawnSync('git', ['-C', root, 'worktree', 'remove', '--force', refTree], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
};
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

if (values.compare !== undefined) builds.push(prepareRef(values.compare));

console.log(`node ${process.version}, ${process.platform}/${process.arch}; builds: ${builds.map((b) => b.label).join(' vs ')}`);

/** whole runs whose REF build ran its own scenario file, said under the table */
const ownScenario = new Set<string>();
/** figure -> values per build label, one per round */
const figures = new Map<string, Map<string, number[]>>();
const units = new Map<string, string>();
function note(figure: string, unit: string, build: string, value: number): void {
  units.set(figure, unit);
  let byBuild = figures.get(figure);
  if (!byBuild) figures.set(figure, (byBuild = new Map()));
  byBuild.set(build, [...(byBuild.get(build) ?? []), value]);
}

for (const name of wanted) {
  if (name === 'micro') microBench();
  else if (name === 'report') reportBench();
  else if (name === 'fit') fitBench();
  else {
    const vms = scenarioVms(SCENARIOS[name]);
    const n = rounds ?? (vms <= 10_000 ? 3 : 1);
    for (let r = 0; r < n; r += 1) {
      for (const build of builds) {
        const m = wholeRun(build, SCENARIOS[name], name);
        note(`${name}: process CPU`, 's', build.label, m.cpuS);
        note(`${name}: run()`, 's', build.label, m.runS);
        note(`${name}: peak RSS`, 'MiB', build.label, m.rssMiB);
        note(`${name}: GC pauses`, 's', build.label, m.gcS);
        console.log(`  ${name} ${build.label}: ${m.up} up, CPU ${m.cpuS.toFixed(2)} s (GC pauses ${m.gcS.toFixed(2)} s), run() ${m.runS.toFixed(2)} s, peak RSS ${m.rssMiB} MiB`);
      }
    }
  }
}
printTable();

function wholeRun(build: Build, file: string | undefined, name: string): { cpuS: number; gcS: number; runS: number; rssMiB: number; up: string } {
  const out = mkdtempSync(join(scratch, `${name}-`));
  const probeFile = join(out, 'probe.json');
  const child = spawnSync(
    process.execPath,
    ['--max-semi-space-size=64', ...(NODE_FLAGS[name] ?? []), '--require', probe, join(build.root, 'dist/cli/stampede.js'), 'run', ...(file ? [file] : []), '--out', out],
    { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, STAMPEDE_BENCH_PROBE: probeFile } },
  );
  if (child.status === 2 && file !== undefined && build.root !== root) {
    // An older commit may not read a scenario written since (a field it did not have): it runs
    // the file of the same name it had, which is what that commit measured as this bench.
    const own = join(build.root, relative(root, file));
    if (own !== file && existsSync(own) && readFileSync(own, 'utf8') !== readFileSync(file, 'utf8')) {
      ownScenario.add(`${name} (${build.label} could not read this commit's ${relative(root, file)}: it ran its own)`);
      rmSync(out, { recursive: true, force: true });
      return wholeRun(build, own, name);
    }
  }
  if (child.status !== 0 && child.status !== 1) fail(`${name} (${build.label}): stampede exited ${child.status}\n${child.stderr}`);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as Result;
  const used = JSON.parse(readFileSync(probeFile, 'utf8')) as { cpuMs: number; maxRssKiB: number; gcMs: number };
  rmSync(out, { recursive: true, force: true });
  return {
    cpuS: used.cpuMs / 1000,
    gcS: used.gcMs / 1000,
    runS: result.environment.wallMs / 1000,
    rssMiB: Math.round(used.maxRssKiB / 1024),
    up: `${result.vms.up}/${result.vms.requested}`,
  };
}

/** Least squares of process CPU over the sizes: fixed seconds plus microseconds per VM. */
function fitBench(): void {
  const files = FIT_SIZES.map((vms) => {
    const file = join(scratch, `fit-${vms}.yaml`);
    const hosts = Math.ceil(vms / 32);
    writeFileSync(file, `name: fit-${vms}\nvms:\n  count: ${vms}\nhosts:\n  count: ${hosts}\nstore:\n  mbps: 20000\ndeadline: 12h\n`);
    return { vms, file };
  });
  const points = new Map<string, Array<[number, number]>>();
  for (const { vms, file } of files) {
    for (const build of builds) {
      const m = wholeRun(build, file, `fit-${vms}`);
      points.set(build.label, [...(points.get(build.label) ?? []), [vms, m.cpuS]]);
      console.log(`  fit ${vms} VMs on ${Math.ceil(vms / 32)} hosts, ${build.label}: CPU ${m.cpuS.toFixed(2)} s, peak RSS ${m.rssMiB} MiB`);
    }
  }
  for (const build of builds) {
    const xy = points.get(build.label)!;
    const n = xy.length;
    const mx = xy.reduce((s, [x]) => s + x, 0) / n;
    const my = xy.reduce((s, [, y]) => s + y, 0) / n;
    const slope = xy.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / xy.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    note('fit: CPU per VM', 'µs', build.label, slope * 1e6);
    note('fit: fixed CPU', 's', build.label, my - slope * mx);
  }
}

function microBench(): void {
  const n = rounds ?? 3;
  for (let r = 0; r < n; r += 1) {
    for (const build of builds) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', micro, '--root', build.root, '--json'], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      });
      if (child.status !== 0) fail(`micro-benchmarks (${build.label}) failed:\n${child.stderr}`);
      const lines = child.stdout.trim().split('\n');
      for (const { name, ms } of JSON.parse(lines.at(-1)!) as Array<{ name: string; ms: number }>) note(name, 'ms', build.label, ms);
      console.log(`  micro-benchmarks, round ${r + 1}, ${build.label}: done`);
    }
  }
}

/** bench/report.ts in a process of its own per build: the 512-VM report's render time (cold and warm) and size. */
function reportBench(): void {
  const n = rounds ?? 3;
  for (let r = 0; r < n; r += 1) {
    for (const build of builds) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', reportBenchFile, '--root', build.root, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
      if (child.status !== 0) fail(`report bench (${build.label}) failed:\n${child.stderr}`);
      for (const { name, unit, value } of JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Array<{ name: string; unit: string; value: number }>) {
        note(name, unit, build.label, value);
      }
      console.log(`  report, round ${r + 1}, ${build.label}: done`);
    }
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function printTable(): void {
  const labels = builds.map((b) => b.label);
  const width = Math.max(...[...figures.keys()].map((f) => f.length), 10) + 2;
  console.log();
  console.log(['figure'.padEnd(width), ...labels.map((l) => l.padStart(12)), ...(labels.length > 1 ? ['ratio'.padStart(7)] : [])].join(' '));
  for (const [figure, byBuild] of figures) {
    const unit = units.get(figure)!;
    const medians = labels.map((l) => (byBuild.has(l) ? median(byBuild.get(l)!) : undefined));
    const cells = medians.map((m) => (m === undefined ? '-' : `${format(m)} ${unit}`).padStart(12));
    const [a, b] = medians;
    const ratio = labels.length > 1 ? [(a !== undefined && b !== undefined && a > 0 && b > 0 ? (a / b).toFixed(2) : '-').padStart(7)] : [];
    console.log([figure.padEnd(width), ...cells, ...ratio].join(' '));
  }
  for (const line of ownScenario) console.log(`note: ${line}`);
}

function format(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function scenarioVms(file: string | undefined): number {
  if (file === undefined) return 512;
  const m = /count:\s*(\d+)/.exec(readFileSync(file, 'utf8'));
  return m ? Number(m[1]) : 512;
}

/** REF checked out and built in a temporary worktree, removed at exit. */
function prepareRef(ref: string): Build {
  const commit = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--short', `${ref}^{commit}`], { encoding: 'utf8' });
  if (commit.status !== 0) fail(`--compare ${ref}: not a commit of this repository`);
  const dir = join(scratch, 'ref');
  const add = spawnSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { encoding: 'utf8' });
  if (add.status !== 0) fail(`--compare ${ref}: git worktree add failed: ${add.stderr.trim()}`);
  refTree = dir;
  const sameLock = readFileSync(join(root, 'package-lock.json'), 'utf8') === readFileSync(join(dir, 'package-lock.json'), 'utf8');
  if (sameLock) {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  } else {
    console.log(`bench: ${ref} has another package-lock.json: npm ci in its worktree`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
    if (ci.status !== 0) fail(`--compare ${ref}: npm ci failed: ${ci.stderr.trim().split('\n').at(-1)}`);
  }
  const build = spawnSync(join(dir, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.build.json')], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (build.status !== 0) fail(`--compare ${ref}: its build failed: ${build.stdout.trim().split('\n')[0]}`);
  return { label: commit.stdout.trim(), root: dir };
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
