import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LostTime } from '../sim/lost-time.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { servedStack } from '../stack/test-support/served-stack.js';
import { measureOffset, readStackLostTime, withLostTime } from './remote-clock.js';
import { resolveScenario } from './scenario.js';
import { serveStack, type ServedStack } from './stack-service.js';

const served: ServedStack[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) await s.close();
});

/** CPU work of no fixed duration: the event loop busy, without reading a clock. */
function burn(rounds: number): string {
  let h = 'x';
  for (let i = 0; i < rounds; i += 1) h = createHash('sha256').update(h).digest('hex');
  return h;
}

describe('remote clocks', () => {
  it('measures an offset from the tightest round trip, and bounds its error by half that trip', async () => {
    // run clock readings around each read, and the remote clock's answers
    const runs = [0, 100, 1_000, 1_010, 2_000, 2_050];
    const remote = [40, 10_000, 10_990];
    let r = 0;
    let k = 0;
    const offset = await measureOffset({ now: () => runs[r++]! }, async () => remote[k++]!, 3);
    // the second trip (10 ms) is the tightest: midpoint 1_005 against the remote's 10_000
    expect(offset).toEqual({ offsetMs: 1_005 - 10_000, errorMs: 5 });
  });

  it("adds another process's lost time to an interval's bound, read wider by its offset's error", () => {
    const own = new LostTime(0);
    own.record(1_000, 100, 0);
    const theirs = new LostTime(0);
    theirs.record(500, 0, 0);
    theirs.record(2_000, 300, 0);
    const clock = { kind: 'scaled' as const, lag: () => ({ timers: 1, meanMs: 0, p99Ms: 0, maxMs: 0, lostMs: own.totalMs, scale: 1 }), distortion: (a: number, b: number) => own.between(a, b) };
    expect(withLostTime(clock, [])).toBe(clock);
    const both = withLostTime(clock, [{ lost: theirs, errorMs: 0 }]);
    expect(both.distortion(0, 1_000)).toBe(100 + 300);
    expect(both.distortion(2_000, 3_000)).toBe(0);
    // with an uncertain offset the interval reaches back over the sample at 2_000
    expect(withLostTime(clock, [{ lost: theirs, errorMs: 5 }]).distortion(2_003, 3_000)).toBe(300);
    expect(both.lag()).toEqual(clock.lag());
  });

  it("reads a served reference stack's clock: the offset to a later clock, and the time its busy event loop lost", async () => {
    const stack = await serveStack({ resolved: resolveScenario({ clock: 'scaled:10', hosts: { count: 1 }, vms: { count: 1 } }), port: 0 });
    served.push(stack);
    burn(20_000);
    const runClock = new ScaledClock(10);
    const remote = await readStackLostTime(stack.url, runClock);
    expect(remote).toBeDefined();
    // the run's clock started later: it reads less than the stack's, by what the burn took
    expect(remote!.lag.offsetErrorMs).toBeGreaterThanOrEqual(0);
    expect(remote!.lost.totalMs).toBe(remote!.lag.lostMs);
    // the burn kept this process's loop busy, the stack's with it (one process here)
    expect(remote!.lag.lostMs).toBeGreaterThan(0);
    const late = withLostTime(runClock, [remote!]);
    expect(late.distortion(-1e9, runClock.now())).toBeGreaterThanOrEqual(remote!.lag.lostMs);
  });

  it('says nothing of a stack that serves no clock', async () => {
    const plain = await servedStack();
    try {
      expect(await readStackLostTime(plain.url, new ScaledClock(1))).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
