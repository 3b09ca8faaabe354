import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedHeap } from './indexed-heap.js';

interface Item {
  key: number;
  seq: number;
  heapIndex: number;
}

const before = (a: Item, b: Item): boolean => a.key < b.key || (a.key === b.key && a.seq < b.seq);

describe('IndexedHeap', () => {
  it('pops in order through any mix of pushes, removals and key changes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('push' as const), key: fc.integer({ min: 0, max: 50 }) }),
            fc.record({ op: fc.constant('pop' as const) }),
            fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
            fc.record({ op: fc.constant('rekey' as const), pick: fc.nat(), key: fc.integer({ min: 0, max: 50 }) }),
          ),
          { maxLength: 200 },
        ),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 30 }),
        (ops, initialKeys) => {
          let seq = 0;
          const model: Item[] = initialKeys.map((key) => ({ key, seq: seq++, heapIndex: -1 }));
          const heap = new IndexedHeap(before, model);
          const sorted = (): Item[] => [...model].sort((a, b) => (before(a, b) ? -1 : 1));
          for (const o of ops) {
            if (o.op === 'push') {
              const item = { key: o.key, seq: seq++, heapIndex: -1 };
              model.push(item);
              heap.push(item);
            } else if (o.op === 'pop') {
              const expected = sorted()[0];
              expect(heap.pop()).toBe(expected);
              if (expected) model.splice(model.indexOf(expected), 1);
            } else if (model.length > 0) {
              const item = model[o.pick % model.length]!;
              if (o.op === 'remove') {
                heap.remove(item);
                heap.remove(item); // twice is harmless
                model.splice(model.indexOf(item), 1);
                expect(item.heapIndex).toBe(-1);
              } else {
                item.key = o.key;
                heap.update(item);
              }
            }
            expect(heap.size).toBe(model.length);
            expect(heap.peek()).toBe(sorted()[0]);
          }
        },
      ),
    );
  });
});
