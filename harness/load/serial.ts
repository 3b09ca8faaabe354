import { markIntended, sendAllocate } from './allocate.js';
import type { LoadMode } from './types.js';

/**
 * One request after another, as the study's client did (a loop of `onevm create`). The user
 * asked for the whole burst at once, so every request is due at the burst's start: time a VM
 * spends waiting for the client to get round to it counts in its START-PENDING (no coordinated
 * omission), and START-PENDING growing with the position in the burst is the `serial-submit`
 * signature. The `send` events show when each request really left.
 */
export const serial: LoadMode = {
  name: 'serial',
  description: 'one request after another, all due at the burst start (the study-era CLI loop)',
  async run(ctx, submissions) {
    const t0 = ctx.clock.now();
    for (const s of submissions) markIntended(ctx, s, t0);
    for (const s of submissions) {
      if (ctx.signal?.aborted) return;
      await sendAllocate(ctx, s);
    }
  },
};
