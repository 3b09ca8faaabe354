import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { Handoffs } from './handoff.js';

/** Passes `n` VMs through `component` at once and returns when each was handed on, in ms. */
async function burst(serial: boolean, n: number): Promise<number[]> {
  const clock = new VirtualClock();
  const handoffs = new Handoffs(clock, serial, { tm: 25, lcm: 45, vmm: 25 });
  return clock.run(Promise.all(Array.from({ length: n }, () => handoffs.pass('lcm', () => clock.now()))));
}

describe('Handoffs', () => {
  it('with one worker per action, every hand-off of a burst takes only its own service time', async () => {
    expect(await burst(false, 4)).toEqual([45, 45, 45, 45]);
  });

  it('with one thread per component (vertical-pipeline), a burst is handed on one after another', async () => {
    expect(await burst(true, 4)).toEqual([45, 90, 135, 180]);
  });

  it('components do not wait for one another: each has its own thread', async () => {
    const clock = new VirtualClock();
    const handoffs = new Handoffs(clock, true, { tm: 25, lcm: 45, vmm: 25 });
    const both = Promise.all([handoffs.pass('tm', () => clock.now()), handoffs.pass('vmm', () => clock.now())]);
    expect(await clock.run(both)).toEqual([25, 25]);
  });
});
