import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { HostSerialPool, threadPool, type ActionPool } from './driver-pool.js';

/** Runs `jobs` (host, duration ms) through a pool and records when each started and ended. */
async function drive(pool: ActionPool, jobs: Array<[string, number]>) {
  const clock = new VirtualClock();
  const log: Array<{ i: number; host: string; start: number; end: number }> = [];
  let peak = 0;
  await clock.run(() =>
    Promise.all(
      jobs.map(([host, ms], i) =>
        pool.run(host, async () => {
          const start = clock.now();
          peak = Math.max(peak, pool.active);
          await clock.sleep(ms);
          log.push({ i, host, start, end: clock.now() });
        }),
      ),
    ),
  );
  return { log: log.sort((a, b) => a.i - b.i), peak };
}

const overlaps = (log: Array<{ host: string; start: number; end: number }>, host: string): boolean => {
  const mine = log.filter((l) => l.host === host).sort((a, b) => a.start - b.start);
  return mine.some((l, k) => k > 0 && l.start < mine[k - 1]!.end);
};

describe('threadPool', () => {
  it('runs at most `threads` actions at once, in arrival order', async () => {
    const { log, peak } = await drive(threadPool(2), [
      ['h0', 10],
      ['h0', 10],
      ['h0', 10],
      ['h1', 10],
    ]);
    expect(peak).toBe(2);
    expect(log.map((l) => l.start)).toEqual([0, 0, 10, 10]);
    expect(overlaps(log, 'h0')).toBe(true);
  });
});

describe('HostSerialPool', () => {
  it('never overlaps two actions of one host, and lets idle hosts overtake', async () => {
    const { log, peak } = await drive(new HostSerialPool(4), [
      ['h0', 10],
      ['h0', 10],
      ['h0', 10],
      ['h1', 10],
      ['h2', 10],
    ]);
    expect(overlaps(log, 'h0')).toBe(false);
    expect(log.map((l) => l.start)).toEqual([0, 10, 20, 0, 0]);
    expect(peak).toBe(3);
  });

  it('starts the oldest runnable action when a worker frees up', async () => {
    const { log } = await drive(new HostSerialPool(1), [
      ['h0', 10],
      ['h0', 10],
      ['h1', 10],
    ]);
    // at t=10 the worker and h0 free up together; h0's second action is older than h1's: FIFO
    // among runnable actions, no overtaking without a reason
    expect(log.map((l) => l.start)).toEqual([0, 10, 20]);
  });

  it('caps the total at `threads` across hosts', async () => {
    const jobs: Array<[string, number]> = Array.from({ length: 12 }, (_, i) => [`h${i % 6}`, 5]);
    const { peak, log } = await drive(new HostSerialPool(3), jobs);
    expect(peak).toBe(3);
    for (let h = 0; h < 6; h += 1) expect(overlaps(log, `h${h}`)).toBe(false);
    expect(Math.max(...log.map((l) => l.end))).toBe(20);
  });

  it('gives the slot back when an action throws, even synchronously', async () => {
    const pool = new HostSerialPool(1);
    const clock = new VirtualClock();
    const results = await clock.run(() =>
      Promise.allSettled([
        pool.run('h0', () => {
          throw new Error('sync');
        }),
        pool.run('h0', async () => 'after'),
      ]),
    );
    expect(results[0]).toMatchObject({ status: 'rejected' });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 'after' });
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });
});
