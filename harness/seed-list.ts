import { UserError } from './errors.js';

/** The most seeds one run takes: a typo like 1..100000 should not start a day-long run. */
export const MAX_SEEDS = 1000;

/**
 * A list of seeds as a user writes it: `7`, `1..5`, `1,3,8`, or a mix (`1..3,10`); each a whole
 * number from 0 to 2^32 - 1, no seed twice. Throws a UserError naming `what`.
 */
export function parseSeeds(text: string, what = '--seeds'): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*\.\.\s*(\d+))?$/.exec(part);
    const lo = m ? Number(m[1]) : Number.NaN;
    const hi = m?.[2] === undefined ? lo : Number(m[2]);
    if (!m || !(hi <= 2 ** 32 - 1) || hi < lo) {
      throw new UserError(`${what} takes seeds such as 1..5, 1,3,8 or 7 (whole numbers from 0 to 4294967295, ranges low..high), got "${text}"`);
    }
    if (seeds.length + (hi - lo + 1) > MAX_SEEDS) throw new UserError(`${what}: at most ${MAX_SEEDS} seeds in one run, got "${text}"`);
    for (let s = lo; s <= hi; s += 1) seeds.push(s);
  }
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new UserError(`${what}: seed ${twice} is given twice in "${text}"`);
  return seeds;
}
