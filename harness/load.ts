import { UserError } from './errors.js';
import { multicall } from './load/multicall.js';
import { parallel } from './load/parallel.js';
import { serial } from './load/serial.js';
import type { LoadContext, LoadMode, LoadOptions, Submission } from './load/types.js';

export type { LoadContext, LoadMode, LoadOptions, Submission } from './load/types.js';

/** The load generator's modes, one file each. */
export const LOAD_MODES: Readonly<Record<string, LoadMode>> = {
  [parallel.name]: parallel,
  [serial.name]: serial,
  [multicall.name]: multicall,
};

export function loadMode(name: string): LoadMode {
  const mode = Object.hasOwn(LOAD_MODES, name) ? LOAD_MODES[name] : undefined;
  if (!mode) throw new UserError(`unknown load mode "${name}"; expected one of ${Object.keys(LOAD_MODES).join(', ')}`);
  return mode;
}

/**
 * Submits one `one.vm.allocate` per template with the named mode and returns every request's
 * record, in burst order. Each request's START, send and answer go to `ctx.record` as they
 * happen. If `ctx.signal` aborts, this returns at once: unsent requests keep NaN times, and
 * calls still in flight are no longer awaited.
 */
export async function runLoad(modeName: string, ctx: LoadContext, options: LoadOptions = {}): Promise<Submission[]> {
  const mode = loadMode(modeName);
  const submissions: Submission[] = ctx.templates.map((_, index) => ({
    index,
    intendedMs: Number.NaN,
    sentMs: Number.NaN,
    answeredMs: Number.NaN,
  }));
  const work = mode.run(ctx, submissions, options);
  const { signal } = ctx;
  if (!signal) {
    await work;
    return submissions;
  }
  if (signal.aborted) return submissions;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
  // What was still in flight may settle later; its rejection must not go unhandled.
  work.catch(() => {});
  return submissions;
}
