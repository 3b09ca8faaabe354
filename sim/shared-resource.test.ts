import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SharedResource, type ResourceEvent, type Service } from './shared-resource.js';
import { VirtualClock } from './virtual-clock.js';

// ------------------------------------------------------------------------------ reference model

interface Job {
  /** emulated ms, on the microsecond grid */
  arrival: number;
  amount: number;
  /** units per second; undefined = uncapped */
  cap: number | undefined;
  /** emulated ms after arrival at which the job is aborted, if it is */
  abortAfter: number | undefined;
}

interface Outcome {
  /** completion time, or undefined when aborted first */
  end: (number | undefined)[];
  served: number;
}

/**
 * Processor sharing by plain event stepping, written without looking at the class/heap
 * implementation: at every event recompute every job's rate by progressive filling (ascending
 * caps; each gets min(cap, what is left / how many are left)), then jump to the next arrival,
 * abort or completion. O(n^2), obviously right.
 */
function reference(capacity: number, jobs: Job[]): Outcome {
  const end: (number | undefined)[] = jobs.map(() => undefined);
  const remaining = jobs.map((j) => j.amount);
  const active = new Set<number>();
  const arrivals = jobs.map((j, i) => ({ i, t: j.arrival })).sort((a, b) => a.t - b.t || a.i - b.i);
  const aborts = jobs
    .map((j, i) => ({ i, t: j.abortAfter === undefined ? Infinity : j.arrival + j.abortAfter }))
    .filter((a) => a.t < Infinity)
    .sort((a, b) => a.t - b.t);
  let served = 0;
  let now = 0;
  let ai = 0;
  let bi = 0;
  const rates = new Map<number, number>(); // units per ms
  const fill = (): void => {
    rates.clear();
    const order = [...active].sort((a, b) => (jobs[a]!.cap ?? Infinity) - (jobs[b]!.cap ?? Infinity));
    let left = capacity;
    order.forEach((i, k) => {
      const r = Math.min(jobs[i]!.cap ?? Infinity, left / (order.length - k));
      rates.set(i, r / 1000);
      left -= r;
    });
  };
  for (;;) {
    fill();
    let tDone = Infinity;
    let first = -1;
    for (const i of active) {
      const t = now + remaining[i]! / rates.get(i)!;
      if (t < tDone) [tDone, first] = [t, i];
    }
    const tArrive = arrivals[ai]?.t ?? Infinity;
    const tAbort = aborts[bi]?.t ?? Infinity;
    const t = Math.min(tDone, tArrive, tAbort);
    if (t === Infinity) break;
    for (const i of active) {
      const r = rates.get(i)!;
      served += r * (t - now);
      remaining[i] = remaining[i]! - r * (t - now);
    }
    now = t;
    if (tDone === t) {
      remaining[first] = 0;
      for (const i of [...active]) {
        if (remaining[i]! <= 1e-12 * jobs[i]!.amount) {
          end[i] = now;
          active.delete(i);
        }
      }
      continue; // completions at an instant come before arrivals and aborts at that instant
    }
    if (tArrive === t) {
      const { i } = arrivals[ai++]!;
      if (jobs[i]!.amount === 0) end[i] = now;
      else active.add(i);
      continue;
    }
    const { i } = aborts[bi++]!;
    active.delete(i);
  }
  return { end, served };
}

/** Drives the real resource through the same jobs in virtual time. */
async function simulate(capacity: number, jobs: Job[]): Promise<Outcome & { services: (Service | undefined)[] }> {
  const clock = new VirtualClock();
  const res = new SharedResource(clock, capacity, { name: 'under test' });
  const services: (Service | undefined)[] = jobs.map(() => undefined);
  const settled: Promise<unknown>[] = [];
  const last = Math.max(0, ...jobs.map((j) => j.arrival));
  for (const [i, job] of jobs.entries()) {
    clock.timer(job.arrival, () => {
      const ac = job.abortAfter === undefined ? undefined : new AbortController();
      const p = res.consume(job.amount, { maxRate: job.cap, signal: ac?.signal }).then(
        (s) => void (services[i] = s),
        () => undefined,
      );
      settled.push(p);
      if (ac) clock.timer(job.abortAfter!, () => ac.abort(new Error('aborted')));
    });
  }
  await clock.run(async () => {
    await clock.sleep(last + 1);
    await Promise.all(settled);
  });
  expect(res.active).toBe(0);
  return { end: services.map((s) => s?.end), served: res.served, services };
}

const grid = (us: number): number => us / 1000;

const jobArb = fc.record({
  arrival: fc.integer({ min: 0, max: 20_000_000 }).map(grid), // up to 20 s, microsecond grid
  amount: fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 12, arbitrary: fc.double({ min: 0.01, max: 40, noNaN: true, noDefaultInfinity: true }) },
  ),
  cap: fc.constantFrom(undefined, 0.5, 1, 2, 4),
  abortAfter: fc.option(fc.integer({ min: 1, max: 30_000_000 }).map(grid), { freq: 6, nil: undefined }),
});

describe('SharedResource against the event-stepping reference', () => {
  it('completion times equal the processor-sharing answer to 1e-9 relative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(1, 3, 8, 100), fc.array(jobArb, { minLength: 1, maxLength: 40 }), async (capacity, jobs) => {
        const want = reference(capacity, jobs);
        const got = await simulate(capacity, jobs);
        for (const [i, job] of jobs.entries()) {
          const w = want.end[i];
          const g = got.end[i];
          if (w === undefined || g === undefined) {
            expect({ i, got: g }).toEqual({ i, got: w });
            continue;
          }
          expect(got.services[i]!.start).toBe(job.arrival);
          const sojourn = w - job.arrival;
          expect(Math.abs(g - w)).toBeLessThanOrEqual(1e-9 * Math.max(sojourn, 1e-6));
        }
        expect(Math.abs(got.served - want.served)).toBeLessThanOrEqual(1e-9 * Math.max(want.served, 1));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees when many consumers arrive at the same instants (ties, shared caps)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            arrival: fc.constantFrom(0, 1, 2.5, 10),
            amount: fc.constantFrom(0.5, 1, 2, 3),
            cap: fc.constantFrom(undefined, 1, 2),
            abortAfter: fc.constant(undefined),
          }),
          { minLength: 2, maxLength: 60 },
        ),
        async (jobs) => {
          const want = reference(4, jobs);
          const got = await simulate(4, jobs);
          for (const [i, job] of jobs.entries()) {
            const sojourn = want.end[i]! - job.arrival;
            expect(Math.abs(got.end[i]! - want.end[i]!)).toBeLessThanOrEqual(1e-9 * sojourn);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

// ------------------------------------------------------------------------------ hand-checked

describe('SharedResource, hand-checked cases', () => {
  it('two equal jobs share equally and end together', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const [a, b] = await clock.run(() => Promise.all([res.consume(1), res.consume(1)]));
    expect(a).toEqual({ start: 0, end: 2000 });
    expect(b).toEqual({ start: 0, end: 2000 });
    expect(res.served).toBe(2);
  });

  it('a capped consumer leaves its surplus to the others', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 4);
    // A is capped at 1/s, B takes the other 3/s; once A is done B has all 4.
    const [a, b] = await clock.run(() => Promise.all([res.consume(1, { maxRate: 1 }), res.consume(6)]));
    expect(a.end).toBe(1000);
    expect(b.end).toBeCloseTo(1000 + (3 / 4) * 1000, 9);
  });

  it('leaves capacity unused when every consumer is capped below its share', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 8);
    const ends = await clock.run(() =>
      Promise.all([res.consume(2, { maxRate: 1 }), res.consume(2, { maxRate: 2 }), res.consume(2, { maxRate: 1 })]),
    );
    expect(ends.map((s) => s.end)).toEqual([2000, 1000, 2000]);
  });

  it('recomputes completion times when a consumer joins mid-way', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const result = await clock.run(async () => {
      const a = res.consume(2);
      await clock.sleep(1000);
      expect(res.served).toBeCloseTo(1, 12); // partial service counts
      const b = res.consume(0.5);
      return Promise.all([a, b]);
    });
    // A alone to 1 s (1 left); both at 0.5/s: B done at 2 s; A's last 0.5 alone: 2.5 s.
    expect(result[1]).toEqual({ start: 1000, end: 2000 });
    expect(result[0].end).toBe(2500);
  });

  it('abort removes the consumer, rejects with the reason and keeps its partial service', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const leaves: ResourceEvent[] = [];
    res.observe((e) => e.type === 'leave' && leaves.push(e));
    const ac = new AbortController();
    const { a, b } = await clock.run(async () => {
      const a = res.consume(2);
      const b = res.consume(2, { signal: ac.signal }).catch((e: Error) => e.message);
      clock.timer(1000, () => ac.abort(new Error('host crashed')));
      return { a: await a, b: await b };
    });
    expect(b).toBe('host crashed');
    expect(a.end).toBe(2500); // 0.5 by 1 s, then 1.5 alone
    expect(res.served).toBe(2.5);
    expect(leaves.map((e) => [e.t, e.outcome, e.active])).toEqual([
      [1000, 'aborted', 1],
      [2500, 'done', 0],
    ]);
  });

  it('an abort at the instant of completion is too late: the service is delivered', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const ac = new AbortController();
    const out = await clock.run(async () => {
      clock.timer(1000, () => ac.abort(new Error('late')));
      return res.consume(1, { signal: ac.signal });
    });
    expect(out.end).toBe(1000);
  });

  it('amount 0 resolves at once; bad arguments and aborted signals reject with a clear message', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 2, { name: 'image-store' });
    await clock.run(async () => {
      await clock.sleep(5);
      expect(await res.consume(0)).toEqual({ start: 5, end: 5 });
      expect(clock.now()).toBe(5);
      await expect(res.consume(-1)).rejects.toThrow('image-store: amount must be a finite number >= 0, got -1');
      await expect(res.consume(1, { maxRate: 0 })).rejects.toThrow(/image-store: maxRate must be > 0/);
      await expect(res.consume(Number.NaN)).rejects.toThrow(/got NaN/);
      await expect(res.consume(1, { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    });
    expect(res.active).toBe(0);
    expect(() => new SharedResource(clock, 0, { name: 'host-01 cpu' })).toThrow(/host-01 cpu: capacity must be/);
  });

  it('reports the exact fluid end even when it falls between clock ticks', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 3);
    const s = await clock.run(() => res.consume(1));
    expect(s.end).toBe(1000 / 3);
    expect(clock.now()).toBeGreaterThanOrEqual(s.end);
    expect(clock.now() - s.end).toBeLessThan(0.002);
    expect(clock.lag().timers).toBe(1); // woke once, on the tick after the end, not early and again
  });

  it('wakes on the very tick when the end falls on one', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 4);
    const s = await clock.run(() => res.consume(1));
    expect([s.end, clock.now(), clock.lag().timers]).toEqual([250, 250, 1]);
  });

  it('keeps a single clock timer armed however many consumers are active', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 10);
    await clock.run(async () => {
      const all = Array.from({ length: 1000 }, (_, i) => res.consume(1 + (i % 7), { maxRate: i % 3 === 0 ? 1 : undefined }));
      expect(res.active).toBe(1000);
      expect(clock.pending()).toBe(1);
      await Promise.all(all);
    });
    expect(clock.pending()).toBe(0);
  });

  it('reports joins and leaves to observers, with the active count after each', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 1);
    const seen: string[] = [];
    const stop = res.observe((e) => seen.push(`${e.type}@${e.t}:${e.active}:${e.amount}:${e.maxRate}`));
    await clock.run(() => Promise.all([res.consume(1, { maxRate: 2 }), res.consume(1)]));
    stop();
    await clock.run(() => res.consume(1));
    expect(seen).toEqual(['join@0:1:1:2', 'join@0:2:1:Infinity', 'leave@2000:1:1:2', 'leave@2000:0:1:Infinity']);
  });

  it('reports its current rate', async () => {
    const clock = new VirtualClock();
    const res = new SharedResource(clock, 8);
    await clock.run(async () => {
      const a = res.consume(1, { maxRate: 1 });
      const b = res.consume(1, { maxRate: 2 });
      expect(res.rate).toBe(3);
      await Promise.all([a, b]);
      expect(res.rate).toBe(0);
    });
  });
});
