import { describe, expect, it } from 'vitest';
import { StepSeries } from './step-series.js';

describe('StepSeries', () => {
  it('records every step and the peak', () => {
    const s = new StepSeries();
    s.change(0, 1);
    s.change(5, 1);
    s.change(10, -1);
    s.change(12, 1);
    s.change(20, -1);
    s.change(20, -1);
    expect(s.t).toEqual([0, 5, 10, 12, 20]);
    expect(s.n).toEqual([1, 2, 1, 2, 0]);
    expect(s.peak).toBe(2);
    expect(s.value).toBe(0);
  });

  it('folds changes at one instant, so the order of simultaneous events does not make a peak', () => {
    const startFirst = new StepSeries();
    startFirst.change(0, 1);
    startFirst.change(10, 1); // the next action starts ...
    startFirst.change(10, -1); // ... at the instant the first one ends
    const endFirst = new StepSeries();
    endFirst.change(0, 1);
    endFirst.change(10, -1);
    endFirst.change(10, 1);
    for (const s of [startFirst, endFirst]) {
      expect(s.peak).toBe(1);
      expect(s.n).toEqual([1, 1]);
    }
  });

  it('answers the count at a time and the time-weighted mean', () => {
    const s = new StepSeries();
    s.change(10, 2);
    s.change(20, -1);
    s.change(30, -1);
    expect([s.at(0), s.at(10), s.at(15), s.at(20), s.at(30), s.at(99)]).toEqual([0, 2, 2, 1, 0, 0]);
    expect(s.meanOver(0, 40)).toBe((2 * 10 + 1 * 10) / 40);
    expect(s.meanOver(15, 25)).toBe((2 * 5 + 1 * 5) / 10);
    expect(new StepSeries().peak).toBe(0);
  });
});
