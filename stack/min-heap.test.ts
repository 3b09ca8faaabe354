import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

interface Item {
  key: number;
  id: number;
  at: number;
}

const before = (a: Item, b: Item): boolean => a.key < b.key || (a.key === b.key && a.id < b.id);
const byKey = (a: Item, b: Item): number => a.key - b.key || a.id - b.id;

describe('MinHeap', () => {
  it('pops in order whatever was pushed, popped and re-keyed in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }),
        fc.array(fc.oneof(fc.constant({ op: 'pop' as const }), fc.record({ op: fc.constant('rekey' as const), pick: fc.nat(), key: fc.integer({ min: -5, max: 25 }) }))),
        (keys, ops) => {
          const items = keys.map((key, id) => ({ key, id, at: -1 }));
          const heap = new MinHeap(before, items, (item, i) => (item.at = i));
          const inHeap = new Set(items);
          for (const step of ops) {
            if (step.op === 'pop') {
              const expected = [...inHeap].sort(byKey)[0];
              const popped = heap.pop();
              expect(popped).toBe(expected);
              if (popped) inHeap.delete(popped);
            } else if (inHeap.size > 0) {
              const item = [...inHeap][step.pick % inHeap.size]!;
              item.key = step.key;
              heap.update(item.at);
            }
            expect(heap.size).toBe(inHeap.size);
          }
          const rest: Item[] = [];
          for (let item = heap.pop(); item; item = heap.pop()) rest.push(item);
          expect(rest).toEqual([...inHeap].sort(byKey));
        },
      ),
    );
  });

  it('tells each item where it sits', () => {
    const items = [5, 3, 9, 1].map((key, id) => ({ key, id, at: -1 }));
    const heap = new MinHeap(before, items, (item, i) => (item.at = i));
    heap.push({ key: 0, id: 4, at: -1 });
    expect(heap.peek()?.id).toBe(4);
    for (const item of items) expect(item.at).toBeGreaterThanOrEqual(0);
    expect(new Set(items.map((i) => i.at)).size).toBe(items.length);
  });
});
