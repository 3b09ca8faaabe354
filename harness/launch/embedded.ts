import { z } from 'zod';
import { madLauncher } from '../../adapters/mad-drivers.js';
import { TimerHeap } from '../../sim/timer-heap.js';
import { ReferenceStack } from '../../stack/reference-stack.js';
import { tableEndpoint } from '../endpoint.js';
import type { LaunchMode } from './types.js';

/**
 * Stack, drivers, farm and collector in this process; the API table is called directly. No
 * socket is opened, so it runs on the virtual clock: deterministic and fast. The stack's timers
 * (API service times, scheduler cycles) go through one TimerHeap: those due at the same instant,
 * a burst's worth of API workers finishing together, then cost one turn of the clock, not one each.
 * Each driver runs its own pool (`-t`, one VMM action per host unless `-p`) around the farm, as
 * a MAD process does.
 */
export const embedded: LaunchMode<Record<string, never>> = {
  name: 'embedded',
  description: 'reference stack, drivers and host farm in this process, API called directly',
  clocks: ['virtual', 'scaled'],
  options: z.strictObject({}),
  async start({ resolved, clock, farm, meter, api }) {
    // measured, the stack's seam is wrapped: its timers, its drivers and its API table
    const launcher = meter ? meter.launcher(madLauncher(farm)) : madLauncher(farm);
    const stack = new ReferenceStack({ clock: new TimerHeap(meter ? meter.clock(clock) : clock), profile: resolved.profile, launcher });
    if (meter) {
      meter.start();
      meter.inside(() => stack.start());
    } else stack.start();
    const table = api ? api(stack.api.table) : stack.api.table;
    return {
      endpoint: tableEndpoint(meter ? meter.table(table) : table),
      session: 'oneadmin:oneadmin',
      async stop() {
        stack.stop();
        meter?.stop();
      },
    };
  },
};
