import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queueTimeline as columns, type Spans } from './measure.js';

interface Segment {
  from: number;
  to: number;
  inFlight: number;
  waiting: number;
}

/** queueTimeline over [start, end] pairs, its columns read back as one object per segment. */
function queueTimeline(inFlight: ReadonlyArray<readonly [number, number]>, waiting: ReadonlyArray<readonly [number, number]>, end: number): Segment[] {
  const spans = (pairs: ReadonlyArray<readonly [number, number]>): Spans => ({ starts: pairs.map(([a]) => a), ends: pairs.map(([, b]) => b) });
  const t = columns(spans(inFlight), spans(waiting), end);
  return Array.from({ length: t.length }, (_, i) => ({ from: t.from[i]!, to: t.to[i]!, inFlight: t.inFlight[i]!, waiting: t.waiting[i]! }));
}

/** The timeline by its definition: at every instant where something changes, count what covers the next stretch. */
function reference(inFlight: ReadonlyArray<readonly [number, number]>, waiting: ReadonlyArray<readonly [number, number]>, end: number): Segment[] {
  const close = ([a, b]: readonly [number, number]): [number, number] => [a, Number.isFinite(b) ? b : Math.max(end, a)];
  const f = inFlight.map(close).filter(([a, b]) => b > a);
  const w = waiting.map(close).filter(([a, b]) => b > a);
  const times = [...new Set([...f, ...w].flat())].sort((x, y) => x - y);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < times.length; i += 1) {
    const [from, to] = [times[i]!, times[i + 1]!];
    const covering = (spans: Array<[number, number]>): number => spans.filter(([a, b]) => a <= from && b >= to).length;
    out.push({ from, to, inFlight: covering(f), waiting: covering(w) });
  }
  return out;
}

describe('queueTimeline', () => {
  it('counts actions in flight and VMs waiting over every stretch between two changes', () => {
    const timeline = queueTimeline(
      [
        [0, 10],
        [5, 10],
      ],
      [[2, Number.POSITIVE_INFINITY]],
      12,
    );
    expect(timeline).toEqual([
      { from: 0, to: 2, inFlight: 1, waiting: 0 },
      { from: 2, to: 5, inFlight: 1, waiting: 1 },
      { from: 5, to: 10, inFlight: 2, waiting: 1 },
      { from: 10, to: 12, inFlight: 0, waiting: 1 },
    ]);
    expect(queueTimeline([], [], 5)).toEqual([]);
    expect(queueTimeline([[3, 3]], [[4, Number.NaN]], 2)).toEqual([]);
  });

  it('agrees with the timeline by definition, ties and open spans included', () => {
    const time = fc.integer({ min: 0, max: 40 });
    const span = fc.tuple(time, fc.oneof(time, fc.constant(Number.POSITIVE_INFINITY)));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 12 }), fc.array(span, { maxLength: 12 }), time, (inFlight, waiting, end) => {
        expect(queueTimeline(inFlight, waiting, end)).toEqual(reference(inFlight, waiting, end));
      }),
    );
  });
});
