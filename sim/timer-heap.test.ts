import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap } from './timer-heap.js';
import { VirtualClock } from './virtual-clock.js';

describe('TimerHeap', () => {
  it('fires every timer when the wrapped clock would, or at most one tick later', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 5000 }).map((x) => x / 7),
            nested: fc.option(fc.integer({ min: 0, max: 300 }).map((x) => x / 3), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        async (specs) => {
          const run = async (useHeap: boolean): Promise<Map<string, number>> => {
            const clock = new VirtualClock();
            const c = useHeap ? new TimerHeap(clock) : clock;
            const fired = new Map<string, number>();
            await clock.run(async () => {
              specs.forEach((s, i) =>
                c.timer(s.at, () => {
                  fired.set(`${i}`, clock.now());
                  if (s.nested !== undefined) c.timer(s.nested, () => fired.set(`${i}'`, clock.now()));
                }),
              );
              await clock.sleep(5000 / 7 + 101);
            });
            return fired;
          };
          const direct = await run(false);
          const viaHeap = await run(true);
          expect([...viaHeap.keys()].sort()).toEqual([...direct.keys()].sort());
          for (const [name, t] of direct) {
            // One tick late at most: re-armed inside a tick for a due time under half a tick away,
            // the VirtualClock puts the wake-up on the next tick (as Node does with setTimeout(0)).
            const late = viaHeap.get(name)! - t;
            expect(late).toBeGreaterThanOrEqual(0);
            expect(late).toBeLessThanOrEqual(0.001 + 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fires timers set for one instant in the order they were set', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    const order: number[] = [];
    await clock.run(async () => {
      for (const i of [0, 1, 2, 3]) heap.timer(10, () => order.push(i));
      heap.timer(5, () => order.push(-1));
      await heap.sleep(10);
    });
    expect(order).toEqual([-1, 0, 1, 2, 3]);
  });

  it('keeps one timer on the wrapped clock however many are pending', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    await clock.run(async () => {
      const all = Array.from({ length: 500 }, (_, i) => heap.sleep(1 + i * 3.3));
      expect(heap.pending).toBe(500);
      expect(clock.pending()).toBe(1);
      await Promise.all(all);
    });
    expect(clock.now()).toBeCloseTo(1 + 499 * 3.3, 3);
    expect([heap.pending, clock.pending()]).toEqual([0, 0]);
  });

  it('cancels timers, aborts sleeps and re-arms for what is left', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    const seen: string[] = [];
    await clock.run(async () => {
      const first = heap.timer(10, () => seen.push('first'));
      heap.timer(20, () => seen.push(`second@${clock.now()}`));
      first.cancel();
      first.cancel();
      const ac = new AbortController();
      heap.timer(5, () => ac.abort(new Error('stop')));
      const slept = heap.sleep(100, ac.signal).catch((e: Error) => `${e.message}@${clock.now()}`);
      expect(await slept).toBe('stop@5');
      await expect(heap.sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
      await heap.sleep(30);
    });
    expect(seen).toEqual(['second@20']);
    expect(() => heap.timer(-1, () => {})).toThrow(/finite number of milliseconds >= 0/);
  });

  it('lets a hung model stall the virtual clock as before', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    await expect(clock.run(() => heap.sleep(10).then(() => new Promise(() => {})))).rejects.toThrow(/stalled at 0.010 s/);
  });

  it('runs a periodic timer on its grid and answers time from the wrapped clock', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    const ticks: number[] = [];
    await clock.run(async () => {
      const t = heap.every(1000, () => ticks.push(heap.now()));
      await heap.sleep(3500);
      t.cancel();
    });
    expect(ticks).toEqual([1000, 2000, 3000]);
    expect(heap.epochMs()).toBe(clock.epochMs());
    expect(heap.kind).toBe('virtual');
  });

  it('stop() drops every pending timer and disarms the wrapped clock', async () => {
    const clock = new VirtualClock();
    const heap = new TimerHeap(clock);
    const fired: number[] = [];
    heap.timer(10, () => fired.push(10));
    heap.timer(20, () => fired.push(20));
    await clock.run(async () => {
      await clock.sleep(15);
      heap.stop();
      expect(heap.pending).toBe(0);
      expect(clock.pending()).toBe(0);
    });
    expect(fired).toEqual([10]);
  });
});
