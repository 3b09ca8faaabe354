import type { ApiResult } from '../../opennebula/errors.js';
import { UserError, isUserError } from '../errors.js';
import { ALLOCATE, allocateParams, clientOverhead, markAnswered, markIntended, markSent } from './allocate.js';
import type { LoadMode } from './types.js';

/**
 * The whole burst in one `system.multicall`: every request is due at the burst's start and all
 * are answered when the multicall returns, since the stack runs the sub-calls in turn.
 */
export const multicall: LoadMode = {
  name: 'multicall',
  description: 'all requests in one system.multicall',
  async run(ctx, submissions) {
    const { endpoint } = ctx;
    if (!endpoint.multicall) {
      throw new UserError(
        'load mode "multicall" needs system.multicall, which this stack endpoint does not offer; use "parallel" or "serial"',
      );
    }
    const t0 = ctx.clock.now();
    for (const s of submissions) markIntended(ctx, s, t0);
    await clientOverhead(ctx, 0); // one client, one start-up
    if (ctx.signal?.aborted) return;
    for (const s of submissions) markSent(ctx, s);
    let answers: ApiResult[] | Error;
    try {
      answers = await endpoint.multicall(submissions.map((s) => ({ method: ALLOCATE, params: allocateParams(ctx, s.index) })));
    } catch (error) {
      if (isUserError(error) || !(error instanceof Error)) throw error;
      answers = error;
    }
    if (!(answers instanceof Error) && answers.length !== submissions.length) {
      throw new UserError(`system.multicall answered ${answers.length} results for ${submissions.length} allocate calls`);
    }
    submissions.forEach((s, i) => markAnswered(ctx, s, answers instanceof Error ? answers : answers[i]!));
  },
};
