import { describe, expect, it } from 'vitest';
import { ErrorCode, fail, ok, type ApiResult } from '../opennebula/errors.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { UnknownMethodError, type ApiCall, type StackEndpoint } from './endpoint.js';
import { LOAD_MODES, runLoad, type LoadContext } from './load.js';
import { Tracer } from './trace.js';
import type { TraceEvent } from './trace-event.js';

/** A head node that answers one call at a time, each taking `serviceMs` of emulated time. */
function singleThreadedStack(clock: VirtualClock, serviceMs: number, opts: { multicall?: boolean; refuse?: Set<string> } = {}) {
  let nextId = 100;
  let busyUntil = 0;
  const calls: { method: string; params: unknown[]; at: number }[] = [];
  const answer = async (method: string, params: unknown[]): Promise<ApiResult> => {
    calls.push({ method, params, at: clock.now() });
    const start = Math.max(clock.now(), busyUntil);
    busyUntil = start + serviceMs;
    await clock.sleep(busyUntil - clock.now());
    if (opts.refuse?.has(String(params[1]))) return fail(method, 'Error allocating a new virtual machine. quota', ErrorCode.ALLOCATE);
    return ok(nextId++);
  };
  const endpoint: StackEndpoint = { call: answer };
  if (opts.multicall) {
    endpoint.multicall = async (list: ApiCall[]) => {
      const out: ApiResult[] = [];
      for (const c of list) out.push(await answer(c.method, c.params));
      return out;
    };
  }
  return { endpoint, calls };
}

function context(clock: VirtualClock, endpoint: StackEndpoint, n: number, extra: Partial<LoadContext> = {}) {
  const events: TraceEvent[] = [];
  const tracer = new Tracer({ vms: n });
  const ctx: LoadContext = {
    clock,
    endpoint,
    session: 'oneadmin:opennebula',
    templates: Array.from({ length: n }, (_, i) => `NAME=vm-${i}`),
    record: (e) => {
      events.push(e);
      tracer.record(e);
    },
    ...extra,
  };
  return { ctx, events, tracer };
}

describe('load modes', () => {
  it('are registered by name', () => {
    expect(Object.keys(LOAD_MODES)).toEqual(['parallel', 'serial', 'multicall']);
  });

  it('parallel: every request is due at the burst start and the stack sees the allocate as OpenNebula takes it', async () => {
    const clock = new VirtualClock();
    const stack = singleThreadedStack(clock, 100);
    const { ctx, tracer } = context(clock, stack.endpoint, 3);
    const subs = await clock.run(() => runLoad('parallel', ctx));
    expect(subs.map((s) => [s.intendedMs, s.sentMs, s.answeredMs, s.vmId])).toEqual([
      [0, 0, 100, 100],
      [0, 0, 200, 101],
      [0, 0, 300, 102],
    ]);
    expect(stack.calls[0]).toEqual({ method: 'one.vm.allocate', params: ['oneadmin:opennebula', 'NAME=vm-0', false], at: 0 });
    expect([...tracer.boundaries.durations('START-PENDING')]).toEqual([100, 200, 300]);
  });

  it('parallel with a cap: time queued in the client counts from the burst start (no coordinated omission)', async () => {
    const clock = new VirtualClock();
    // a stack that serves everything concurrently, 100 ms each
    let nextId = 0;
    const endpoint: StackEndpoint = { call: async () => (await clock.sleep(100), ok(nextId++)) };
    const { ctx, events, tracer } = context(clock, endpoint, 5);
    const subs = await clock.run(() => runLoad('parallel', ctx, { concurrency: 2 }));
    expect(subs.map((s) => s.sentMs)).toEqual([0, 0, 100, 100, 200]);
    expect(subs.map((s) => s.answeredMs)).toEqual([100, 100, 200, 200, 300]);
    expect([...tracer.boundaries.durations('START-PENDING')]).toEqual([100, 100, 200, 200, 300]);
    expect(events.filter((e) => e.type === 'send').map((e) => [e.index, e.t])).toEqual([
      [2, 100],
      [3, 100],
      [4, 200],
    ]);
  });

  it('parallel: rejects a cap that is not a whole number >= 1', async () => {
    const clock = new VirtualClock();
    const { ctx } = context(clock, singleThreadedStack(clock, 1).endpoint, 1);
    await expect(clock.run(() => runLoad('parallel', ctx, { concurrency: 0 }))).rejects.toThrow(
      'load concurrency must be a whole number >= 1, got 0',
    );
  });

  it('serial: one request after another, all due at the burst start, so the client\'s slowness counts', async () => {
    const clock = new VirtualClock();
    const stack = singleThreadedStack(clock, 100);
    const { ctx, tracer, events } = context(clock, stack.endpoint, 3, { clientOverheadMs: () => 50 });
    const subs = await clock.run(() => runLoad('serial', ctx));
    expect(subs.map((s) => [s.intendedMs, s.sentMs, s.answeredMs])).toEqual([
      [0, 50, 150],
      [0, 200, 300],
      [0, 350, 450],
    ]);
    // START-PENDING grows with the position in the burst: the serial-submit signature
    expect([...tracer.boundaries.durations('START-PENDING')]).toEqual([150, 300, 450]);
    expect(events.filter((e) => e.type === 'send').map((e) => [e.index, e.t])).toEqual([
      [0, 50],
      [1, 200],
      [2, 350],
    ]);
  });

  it('multicall: one call carries the burst and everything is answered when it returns', async () => {
    const clock = new VirtualClock();
    const stack = singleThreadedStack(clock, 10, { multicall: true, refuse: new Set(['NAME=vm-1']) });
    const { ctx, tracer } = context(clock, stack.endpoint, 3);
    const subs = await clock.run(() => runLoad('multicall', ctx));
    expect(subs.map((s) => [s.intendedMs, s.answeredMs, s.vmId ?? s.error])).toEqual([
      [0, 30, 100],
      [0, 30, '[one.vm.allocate] Error allocating a new virtual machine. quota'],
      [0, 30, 101],
    ]);
    expect(tracer.failureOf(1)?.reason).toMatch(/quota/);
  });

  it('multicall: says clearly when the endpoint cannot do it', async () => {
    const clock = new VirtualClock();
    const { ctx } = context(clock, singleThreadedStack(clock, 10).endpoint, 2);
    await expect(clock.run(() => runLoad('multicall', ctx))).rejects.toThrow(
      'load mode "multicall" needs system.multicall, which this stack endpoint does not offer; use "parallel" or "serial"',
    );
  });

  it('records a refused allocate, a broken answer and a failed transport per request', async () => {
    const clock = new VirtualClock();
    const answers: Array<() => Promise<ApiResult>> = [
      async () => fail('one.vm.allocate', 'User could not be authenticated', ErrorCode.AUTHENTICATION),
      async () => ok('seven'),
      async () => {
        throw new Error('ECONNRESET');
      },
      async () => ok(3),
    ];
    let i = 0;
    const { ctx, events } = context(clock, { call: () => answers[i++]!() }, 4);
    const subs = await clock.run(() => runLoad('serial', ctx));
    expect(subs.map((s) => s.vmId ?? s.error)).toEqual([
      '[one.vm.allocate] User could not be authenticated',
      'one.vm.allocate answered "seven" where a VM id was expected',
      'one.vm.allocate failed on the way: ECONNRESET',
      3,
    ]);
    expect(events.filter((e) => e.type === 'answer').map((e) => e.result ?? 'ok')).toEqual(['FAILURE', 'FAILURE', 'FAILURE', 'ok']);
  });

  it('stops on an error the user must fix, such as a stack without one.vm.allocate', async () => {
    const clock = new VirtualClock();
    const { ctx } = context(clock, { call: async (m) => Promise.reject(new UnknownMethodError(m)) }, 2);
    await expect(clock.run(() => runLoad('parallel', ctx))).rejects.toThrow('the stack does not offer the XML-RPC method "one.vm.allocate"');
  });

  it('names an unknown mode', async () => {
    const clock = new VirtualClock();
    const { ctx } = context(clock, singleThreadedStack(clock, 1).endpoint, 1);
    await expect(runLoad('burst', ctx)).rejects.toThrow('unknown load mode "burst"; expected one of parallel, serial, multicall');
  });

  it('returns at the deadline with unsent requests left unsent, even while a call hangs', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const endpoint: StackEndpoint = {
      call: async () => {
        calls += 1;
        if (calls === 3) return new Promise<ApiResult>(() => {}); // never answers
        await clock.sleep(100);
        return ok(calls);
      },
    };
    const deadline = new AbortController();
    const { ctx, tracer } = context(clock, endpoint, 5, { signal: deadline.signal });
    clock.timer(1_000, () => deadline.abort());
    const subs = await clock.run(() => runLoad('serial', ctx));
    expect(clock.now()).toBe(1_000);
    expect(subs.map((s) => Number.isNaN(s.answeredMs))).toEqual([false, false, true, true, true]);
    expect(subs.map((s) => Number.isNaN(s.sentMs))).toEqual([false, false, false, true, true]);
    // all five were due at the burst start; two were answered, three never were
    expect(tracer.progress().counts).toMatchObject({ pending: 2, submitted: 3, waiting: 0 });
  });
});
