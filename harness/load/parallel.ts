import { limit as concurrencyLimit } from '../../sim/limit.js';
import { UserError } from '../errors.js';
import { markIntended, sendAllocate } from './allocate.js';
import type { LoadMode } from './types.js';

/**
 * Every request is due at the burst's start. With a concurrency cap the client holds the rest
 * back, but their START stays the burst's start: time queued in the client counts in
 * START-PENDING, so a slow stack cannot hide behind a slow client (no coordinated omission).
 */
export const parallel: LoadMode = {
  name: 'parallel',
  description: 'all requests at once at the burst start, optionally at most `concurrency` in flight',
  async run(ctx, submissions, options) {
    const { concurrency } = options;
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new UserError(`load concurrency must be a whole number >= 1, got ${concurrency}`);
    }
    const t0 = ctx.clock.now();
    for (const s of submissions) markIntended(ctx, s, t0);
    if (concurrency === undefined) {
      await Promise.all(submissions.map((s) => sendAllocate(ctx, s)));
      return;
    }
    const limit = concurrencyLimit(concurrency);
    await Promise.all(submissions.map((s) => limit(() => (ctx.signal?.aborted ? undefined : sendAllocate(ctx, s)))));
  },
};
