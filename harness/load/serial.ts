import { markIntended, sendAllocate } from './allocate.js';
import type { LoadMode } from './types.js';

/**
 * One request after another, as the study's client did (a loop of `onevm create`): request i is
 * due when request i-1 has been answered, and that is its START. The START of the last VM minus
 * the first is the time the client itself took to submit the burst; it is in the trace for the
 * `serial-submit` detector, and it does not inflate START-PENDING, which stays the stack's answer
 * time plus the client's own per-request overhead.
 */
export const serial: LoadMode = {
  name: 'serial',
  description: 'one request after another, each due when the previous one was answered',
  async run(ctx, submissions) {
    for (const s of submissions) {
      if (ctx.signal?.aborted) return;
      markIntended(ctx, s, ctx.clock.now());
      await sendAllocate(ctx, s);
    }
  },
};
