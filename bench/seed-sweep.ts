/**
 * Budgets a seed cannot flip: runs the nightly scenario once per seed, clean and with each
 * pathology of the reference stack switched on alone in `optimized` (and with serial load), and
 * prints, per variant, every budgeted statistic's range over the seeds and which seeds fail which
 * default budget. Virtual time, about a second a run: a script, not a test.
 *
 *   npx tsx bench/seed-sweep.ts                    seeds 1..100, every variant
 *   npx tsx bench/seed-sweep.ts 1..20 clean direct-io
 *   npx tsx bench/seed-sweep.ts 1..100 --jsonl out.jsonl   one line per run, for a later look
 */
import { appendFileSync } from 'node:fs';
import { run } from '../harness/run.js';
import { resolveScenario, type ScenarioInput } from '../harness/scenario.js';
import { parseSeeds } from '../harness/seed-list.js';
import { PATHOLOGIES } from '../stack/profile.js';

const args = process.argv.slice(2);
const jsonlAt = args.indexOf('--jsonl');
const jsonl = jsonlAt >= 0 ? args.splice(jsonlAt, 2)[1] : undefined;
const seeds = args[0] && /^\d/.test(args[0]) ? parseSeeds(args.shift()!) : parseSeeds('1..100');

const VARIANTS: Record<string, ScenarioInput> = {
  clean: {},
  ...Object.fromEntries(PATHOLOGIES.map((p) => [p, { profile: { extends: 'optimized', pathologies: { [p]: true } } }])),
  'serial-submit': { load: { mode: 'serial' } },
};
const wanted = args.length > 0 ? args : Object.keys(VARIANTS);
for (const name of wanted) if (!(name in VARIANTS)) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);

for (const name of wanted) {
  const failing = new Map<string, number[]>();
  const ranges = new Map<string, [number, number]>();
  let exit1 = 0;
  for (const seed of seeds) {
    const result = await run(resolveScenario({ ...VARIANTS[name], seed }, {}, `${name} seed ${seed}`));
    if (result.exitCode !== 0) exit1 += 1;
    for (const v of result.budgets) {
      const key = `${v.stage} ${v.expression}`;
      if (!v.pass) failing.set(key, [...(failing.get(key) ?? []), seed]);
      if (v.actual !== null) {
        const r = ranges.get(key);
        ranges.set(key, r ? [Math.min(r[0], v.actual), Math.max(r[1], v.actual)] : [v.actual, v.actual]);
      }
    }
    if (jsonl) {
      appendFileSync(
        jsonl,
        `${JSON.stringify({ variant: name, seed, vms: result.vms, stages: result.stages, findings: result.findings.map((f) => f.pathology), exitCode: result.exitCode })}\n`,
      );
    }
  }
  console.log(`\n${name}: ${seeds.length - exit1}/${seeds.length} seeds pass`);
  for (const [key, [lo, hi]] of ranges) {
    const f = failing.get(key) ?? [];
    console.log(`  ${key.padEnd(32)} ${lo.toFixed(2).padStart(8)} .. ${hi.toFixed(2).padStart(8)}   fails on ${f.length}${f.length > 0 && f.length <= 12 ? ` (seeds ${f.join(', ')})` : ''}`);
  }
}
