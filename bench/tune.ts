/**
 * `stampede tune`'s search against random and grid search on the real model, at the same number
 * of runs, and the wall time of a tune. Virtual time; a script, not a test (minutes of runs).
 *
 *   npx tsx bench/tune.ts                                   both landscapes, 60 runs, search seeds 1..3
 *   npx tsx bench/tune.ts --runs 90 --search-seeds 1..5 --vms 512 --hosts 16 clean-4.4
 *   npx tsx bench/tune.ts --time 200                        only: the time of a 200-run tune of the nightly
 *   npx tsx bench/tune.ts --time 200 --strategy random      the same, spending every run (no early stop)
 *
 * Landscapes: `serial-4.4` is opennebula-4.4 with serial submission and its pathologies on (the
 * issue's case: only the scheduler interval matters much); `clean-4.4` is 4.4's knobs with the
 * pathologies off, where threads, dispatch limits and the interval all matter. Figures per
 * strategy: the best total p95 found (median and worst over the search seeds), and the runs it
 * took to come within 5% of the best any strategy found.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveScenario, type ResolvedScenario } from '../harness/scenario.js';
import { parseSeeds } from '../harness/seed-list.js';
import { parseKnob } from '../harness/tune/knobs.js';
import { STRATEGIES, type Strategy } from '../harness/tune/search.js';
import { parseObjective, tune, type Tuning } from '../harness/tune/tune.js';
import { PATHOLOGIES } from '../stack/profile.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '60' },
    'search-seeds': { type: 'string', default: '1..3' },
    vms: { type: 'string', default: '128' },
    hosts: { type: 'string', default: '4' },
    time: { type: 'string' },
    strategy: { type: 'string', default: 'compass' },
  },
});

const KNOBS = ['scheduler.SCHED_INTERVAL=1s..30s', 'scheduler.MAX_DISPATCH=1..1024', 'scheduler.MAX_HOST=1..64', 'tm.threads=1..256', 'vmm.threads=1..256'];
const objective = parseObjective('total p95');
const wall = (): number => performance.now();

if (values.time !== undefined) {
  const runs = Number(values.time);
  const strategy = values.strategy as Strategy;
  if (!(strategy in STRATEGIES)) throw new Error(`--strategy takes ${Object.keys(STRATEGIES).join(', ')}`);
  const resolved = resolveScenario({}, {});
  const load = loadavg()[0]!.toFixed(1);
  const started = wall();
  const cpu = process.cpuUsage();
  const t = await tune(resolved, { dims: KNOBS.map(parseKnob), objective, runs, seeds: [1, 2, 3], strategy });
  const s = (wall() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  console.log(
    `nightly (512 VMs, 16 hosts), ${KNOBS.length} knobs, seeds 1..3, ${strategy}: ${t.runs.spent} runs of ${runs} in ${s.toFixed(1)} s wall, ${cpuS.toFixed(1)} s CPU ` +
      `(${((s / t.runs.spent) * 1000).toFixed(0)} ms wall and ${((cpuS / t.runs.spent) * 1000).toFixed(0)} ms CPU per run; load average ${load} at the start), ` +
      `${t.candidates.length} configurations, stopped: ${t.stopped}; ${t.verdict}`,
  );
  process.exit(0);
}

const LANDSCAPES: Record<string, () => ResolvedScenario> = {
  'serial-4.4': () =>
    resolveScenario({}, { vms: Number(values.vms), hosts: Number(values.hosts), profile: 'opennebula-4.4', set: [{ path: ['load', 'mode'], value: 'serial' }] }),
  'clean-4.4': () =>
    resolveScenario(
      { profile: { extends: 'opennebula-4.4', pathologies: Object.fromEntries(PATHOLOGIES.map((p) => [p, false])) } },
      { vms: Number(values.vms), hosts: Number(values.hosts) },
    ),
};
const wanted = positionals.length > 0 ? positionals : Object.keys(LANDSCAPES);
const searchSeeds = parseSeeds(values['search-seeds']!);
const runs = Number(values.runs);

for (const name of wanted) {
  const make = LANDSCAPES[name];
  if (!make) throw new Error(`unknown landscape ${name}; known: ${Object.keys(LANDSCAPES).join(', ')}`);
  const resolved = make();
  const results = new Map<Strategy, Tuning[]>();
  const started = wall();
  for (const strategy of Object.keys(STRATEGIES) as Strategy[]) {
    for (const searchSeed of searchSeeds) {
      const t = await tune(resolved, { dims: KNOBS.map(parseKnob), objective, runs, seeds: [1], searchSeed, strategy });
      results.set(strategy, [...(results.get(strategy) ?? []), t]);
    }
  }
  const all = [...results.values()].flat();
  const bestKnown = Math.min(...all.map((t) => t.best.objective ?? Infinity));
  console.log(`\n${name}: ${values.vms} VMs on ${values.hosts} hosts, ${KNOBS.length} knobs, ${runs} runs per tune, seed 1, search seeds ${searchSeeds.join(',')}; start ${all[0]!.start.objective!.toFixed(1)} s; best known ${bestKnown.toFixed(1)} s (${((wall() - started) / 1000).toFixed(0)} s wall)`);
  console.log('strategy  median best  worst best  runs to within 5% of best known (median)');
  for (const [strategy, ts] of results) {
    const bests = ts.map((t) => t.best.objective!).sort((a, b) => a - b);
    const reach = ts
      .map((t) => {
        const i = t.candidates.findIndex((c) => c.objective !== null && c.failedBudgets.length <= t.best.failedBudgets.length && c.objective <= bestKnown * 1.05);
        return i < 0 ? Infinity : i + 1;
      })
      .sort((a, b) => a - b);
    const median = <T>(xs: T[]): T => xs[Math.floor((xs.length - 1) / 2)]!;
    console.log(`${strategy.padEnd(8)}  ${median(bests).toFixed(1).padStart(9)} s  ${bests.at(-1)!.toFixed(1).padStart(8)} s  ${String(median(reach) === Infinity ? 'never' : median(reach))}`);
  }
}
