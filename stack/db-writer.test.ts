import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { ApiGate } from './api-gate.js';
import { DatabaseWriter } from './db-writer.js';

describe("oned's one database writer", () => {
  it('lets calls of a writing method through one at a time, and others at once', async () => {
    const clock = new VirtualClock();
    const db = new DatabaseWriter(clock, { 'one.vm.allocate': 80 });
    const done: Array<[string, number]> = [];
    await clock.run(() =>
      Promise.all(
        ['one.vm.allocate', 'one.vm.allocate', 'one.vm.info', 'one.vm.allocate'].map((m) => db.write(m).then(() => void done.push([m, clock.now()])))
      ),
    );
    expect(done).toEqual([
      ['one.vm.info', 0],
      ['one.vm.allocate', 80],
      ['one.vm.allocate', 160],
      ['one.vm.allocate', 240],
    ]);
  });

  it('serializes allocations behind the API workers: 15 workers answer 30 allocations 80 ms apart', async () => {
    const clock = new VirtualClock();
    const gate = new ApiGate(clock, { MAX_CONN: 15, callMs: 10, methodMs: { 'one.vm.allocate': 50 }, poolObjectMs: 0, serialMs: { 'one.vm.allocate': 80 } });
    const answered: number[] = [];
    await clock.run(() => Promise.all(Array.from({ length: 30 }, () => gate.serve('one.vm.allocate', () => void answered.push(clock.now())))));
    expect(answered[0]).toBe(50 + 80);
    expect(answered.at(-1)).toBe(50 + 30 * 80);
  });
});
