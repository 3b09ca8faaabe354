import { describe, expect, it } from 'vitest';
import { MAX_SEEDS, parseSeeds } from './seed-list.js';

describe('parseSeeds', () => {
  it('reads a seed, a range, a list and a mix, in the order written', () => {
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('1..5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeeds('3,1, 8')).toEqual([3, 1, 8]);
    expect(parseSeeds('1..3,10')).toEqual([1, 2, 3, 10]);
    expect(parseSeeds('0..0')).toEqual([0]);
  });

  it.each([
    ['', 'takes seeds such as 1..5'],
    ['5..1', 'takes seeds such as 1..5'],
    ['1..x', 'takes seeds such as 1..5'],
    ['-1', 'takes seeds such as 1..5'],
    ['4294967296', 'takes seeds such as 1..5'],
    ['1..3,2', 'seed 2 is given twice'],
    [`1..${MAX_SEEDS + 1}`, `at most ${MAX_SEEDS} seeds`],
  ])('refuses "%s" in one sentence naming the flag', (text, problem) => {
    expect(() => parseSeeds(text)).toThrow(problem);
    expect(() => parseSeeds(text)).toThrow(/^--seeds/);
  });
});
