import type { ApiResult } from '../../opennebula/errors.js';
import { isUserError } from '../errors.js';
import type { LoadContext, Submission } from './types.js';

export const ALLOCATE = 'one.vm.allocate';

/** Parameters of one allocate, as the wire carries them: hold is sent explicitly (4.4 and 7.x). */
export function allocateParams(ctx: LoadContext, index: number): unknown[] {
  return [ctx.session, ctx.templates[index]!, false];
}

/** START: the request is due. */
export function markIntended(ctx: LoadContext, s: Submission, intendedMs: number): void {
  s.intendedMs = intendedMs;
  ctx.record({ t: intendedMs, type: 'submit', index: s.index });
}

/** The request leaves the client; a `send` event only when that is later than intended. */
export function markSent(ctx: LoadContext, s: Submission): void {
  s.sentMs = ctx.clock.now();
  if (s.sentMs > s.intendedMs) ctx.record({ t: s.sentMs, type: 'send', index: s.index });
}

/** Pays the client's overhead for request `index` (none when the scenario sets none). */
export async function clientOverhead(ctx: LoadContext, index: number): Promise<void> {
  const ms = ctx.clientOverheadMs?.(index) ?? 0;
  if (ms > 0) await ctx.clock.sleep(ms);
}

/** PENDING, or the reason there is none. */
export function markAnswered(ctx: LoadContext, s: Submission, answer: ApiResult | Error): void {
  s.answeredMs = ctx.clock.now();
  const t = s.answeredMs;
  if (answer instanceof Error) {
    s.error = `${ALLOCATE} failed on the way: ${answer.message}`;
  } else if (answer[0] !== true) {
    s.error = answer[1];
  } else if (typeof answer[1] === 'number' && Number.isInteger(answer[1]) && answer[1] >= 0) {
    s.vmId = answer[1];
    ctx.record({ t, type: 'answer', index: s.index, vmId: s.vmId });
    return;
  } else {
    s.error = `${ALLOCATE} answered ${JSON.stringify(answer[1])} where a VM id was expected`;
  }
  ctx.record({ t, type: 'answer', index: s.index, result: 'FAILURE', info: s.error });
}

/** Sends one allocate and records its answer. A UserError (no such method, stack unreachable) ends the load. */
export async function sendAllocate(ctx: LoadContext, s: Submission): Promise<void> {
  // one promise per request when there is no overhead to pay
  const overheadMs = ctx.clientOverheadMs?.(s.index) ?? 0;
  if (overheadMs > 0) await ctx.clock.sleep(overheadMs);
  if (ctx.signal?.aborted) return;
  markSent(ctx, s);
  let answer: ApiResult | Error;
  try {
    answer = await ctx.endpoint.call(ALLOCATE, allocateParams(ctx, s.index));
  } catch (error) {
    if (isUserError(error) || !(error instanceof Error)) throw error;
    answer = error;
  }
  markAnswered(ctx, s, answer);
}
