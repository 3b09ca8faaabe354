import { describe, expect, it } from 'vitest';
import { Fifo, limit } from './limit.js';
import { VirtualClock } from './virtual-clock.js';

describe('limit', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order', async () => {
    const clock = new VirtualClock();
    const run = limit(2);
    const log: string[] = [];
    let peak = 0;
    await clock.run(() =>
      Promise.all(
        [30, 10, 10, 10].map((ms, i) =>
          run(async () => {
            peak = Math.max(peak, run.activeCount);
            log.push(`start ${i} at ${clock.now()}`);
            await clock.sleep(ms);
            return i;
          }),
        ),
      ),
    );
    expect(peak).toBe(2);
    expect(log).toEqual(['start 0 at 0', 'start 1 at 0', 'start 2 at 10', 'start 3 at 20']);
  });

  it('starts a task one microtask after it is handed over, not inside the caller', async () => {
    const run = limit(1);
    const order: string[] = [];
    const done = run(() => order.push('task'));
    order.push('caller');
    await done;
    expect(order).toEqual(['caller', 'task']);
  });

  it('answers what the task answers, rejects what it throws, and frees the slot either way', async () => {
    const run = limit(1);
    const thrown = run(() => {
      throw new Error('sync');
    });
    const rejected = run(() => Promise.reject(new Error('async')));
    const value = run(() => 42);
    await expect(thrown).rejects.toThrow('sync');
    await expect(rejected).rejects.toThrow('async');
    await expect(value).resolves.toBe(42);
    expect(run.activeCount).toBe(0);
    expect(run.pendingCount).toBe(0);
  });

  it('counts the tasks waiting for a slot', async () => {
    const run = limit(1);
    let release!: () => void;
    const first = run(() => new Promise<void>((r) => (release = r)));
    const second = run(() => 'second');
    const third = run(() => 'third');
    await Promise.resolve();
    expect(run.activeCount).toBe(1);
    expect(run.pendingCount).toBe(2);
    release();
    await first;
    expect(await Promise.all([second, third])).toEqual(['second', 'third']);
    expect(run.pendingCount).toBe(0);
  });

  it('refuses a concurrency that is not a whole number >= 1', () => {
    expect(() => limit(0)).toThrow(/whole number >= 1/);
    expect(() => limit(1.5)).toThrow(/whole number >= 1/);
  });
});

describe('Fifo', () => {
  it('keeps order across growth and wrap-around', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    // interleave pushes and shifts so the ring wraps before and after it grows
    for (let round = 0; round < 50; round += 1) {
      for (let k = 0; k < 7; k += 1) q.push(next++);
      for (let k = 0; k < 5; k += 1) out.push(q.shift()!);
    }
    while (q.size > 0) out.push(q.shift()!);
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
  });
});
