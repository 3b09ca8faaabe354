import { describe, expect, it } from 'vitest';
import { VirtualClock, VirtualClockStalled } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('jumps straight to each timer and keeps promise chains causal', async () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    const worker = async (name: string, delays: number[]): Promise<void> => {
      for (const d of delays) {
        await clock.sleep(d);
        seen.push(`${name}@${clock.now()}`);
      }
    };
    await clock.run(() => Promise.all([worker('a', [10, 10, 10]), worker('b', [15, 15])]));
    // b's second sleep was set (at 15) before a's third (at 20): same due time, set order wins.
    expect(seen).toEqual(['a@10', 'b@15', 'a@20', 'b@30', 'a@30']);
    expect(clock.now()).toBe(30);
  });

  it('fires timers at the same instant in the order they were set', async () => {
    const clock = new VirtualClock();
    const order: number[] = [];
    await clock.run(async () => {
      for (let i = 0; i < 5; i += 1) clock.timer(7, () => order.push(i));
      await clock.sleep(7);
    });
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('handles sub-millisecond and multi-day delays', async () => {
    const clock = new VirtualClock();
    await clock.run(async () => {
      await clock.sleep(0.25);
      expect(clock.now()).toBeCloseTo(0.25, 9);
      await clock.sleep(3 * 24 * 3600 * 1000); // beyond one timer's 2^31-1 units: chained
    });
    expect(clock.now()).toBeCloseTo(0.25 + 3 * 24 * 3600 * 1000, 6);
  });

  it('cancels timers and aborts sleeps', async () => {
    const clock = new VirtualClock();
    let fired = false;
    const result = await clock.run(async () => {
      const t = clock.timer(5, () => (fired = true));
      t.cancel();
      const ac = new AbortController();
      clock.timer(3, () => ac.abort(new Error('stop')));
      return clock.sleep(100, ac.signal).then(
        () => 'slept',
        (e: Error) => `${e.message}@${clock.now()}`,
      );
    });
    expect(fired).toBe(false);
    expect(result).toBe('stop@3');
  });

  it('runs a periodic timer on a drift-free grid', async () => {
    const clock = new VirtualClock();
    const ticks: number[] = [];
    await clock.run(async () => {
      const t = clock.every(30_000, () => ticks.push(clock.now()));
      await clock.sleep(100_000);
      t.cancel();
    });
    expect(ticks).toEqual([30_000, 60_000, 90_000]);
  });

  it('reports a stall instead of hanging when nothing can ever happen', async () => {
    const clock = new VirtualClock();
    await expect(clock.run(() => new Promise<void>(() => {}))).rejects.toBeInstanceOf(VirtualClockStalled);
  });

  it('stops at its limit', async () => {
    const clock = new VirtualClock();
    const forever = async (): Promise<void> => {
      for (;;) await clock.sleep(1000);
    };
    await expect(clock.run(forever, { until: 10_000 })).rejects.toThrow(/limit of 10000 ms/);
  });

  it('propagates a rejection from the work', async () => {
    const clock = new VirtualClock();
    await expect(
      clock.run(async () => {
        await clock.sleep(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });

  it('maps emulated time onto a fixed epoch', async () => {
    const clock = new VirtualClock(1_000_000);
    await clock.run(() => clock.sleep(2500));
    expect(clock.epochMs()).toBe(1_002_500);
  });

  it('puts a zero delay set while a timer fires one microsecond later, and one set from a reaction at the same instant', async () => {
    const clock = new VirtualClock();
    const seen: Array<[string, number]> = [];
    await clock.run(async () => {
      clock.timer(5, () => clock.timer(0, () => seen.push(['in a tick', clock.now()])));
      await clock.sleep(5);
      await clock.sleep(0);
      seen.push(['from a reaction', clock.now()]);
      await clock.sleep(1);
    });
    expect(seen).toEqual([
      ['from a reaction', 5],
      ['in a tick', 5.001],
    ]);
    expect(clock.pending()).toBe(0);
  });

  it('counts one turn per timer, a long delay once per 2^31-1 microseconds', async () => {
    const clock = new VirtualClock();
    await clock.run(async () => {
      clock.timer(10, () => {});
      const cancelled = clock.timer(20, () => {});
      cancelled.cancel();
      await clock.sleep(5000 * 1000); // 5000 s: three links of 2147.48 s
    });
    expect(clock.lag().timers).toBe(4);
  });
});
