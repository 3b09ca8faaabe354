/**
 * How long `stampede study` takes: the whole table (six rows, 512 VMs each, virtual time) in wall
 * time, each row and the total, median of `rounds` runs in this one process (the first round pays
 * for module loading and JIT warm-up; the median keeps the steady figure). A figure, not a test.
 *
 *   npx tsx bench/study.ts [rounds]        default 3
 */
import { wallClock } from '../harness/wall-clock.js';
import { runStudy, STUDY_CONFIGS } from '../harness/study.js';

const rounds = Number(process.argv[2] ?? 3);
const clock = wallClock();
const perRow = new Map<string, number[]>(STUDY_CONFIGS.map((c) => [c, []]));
const totals: number[] = [];
for (let r = 0; r < rounds; r += 1) {
  const t0 = clock.now();
  for (const config of STUDY_CONFIGS) {
    const t = clock.now();
    await runStudy({ seed: 1, configs: [config] });
    perRow.get(config)!.push(clock.now() - t);
  }
  totals.push(clock.now() - t0);
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (const [config, ms] of perRow) console.log(`${config.padEnd(8)} ${(median(ms) / 1000).toFixed(2)} s`);
console.log(`table    ${(median(totals) / 1000).toFixed(2)} s wall (median of ${rounds}; each round ${totals.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`);
