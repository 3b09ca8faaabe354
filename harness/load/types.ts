import type { Clock } from '../../sim/clock.js';
import type { StackEndpoint } from '../endpoint.js';
import type { TraceEvent } from '../trace-event.js';

/** What every load mode is given. */
export interface LoadContext {
  clock: Clock;
  endpoint: StackEndpoint;
  /** `user:password`, sent as the first parameter of every call */
  session: string;
  /** one VM template per requested VM, in burst order */
  templates: readonly string[];
  /** receives `submit`, `send` and `answer` events as they happen (the tracer's `record`) */
  record: (event: TraceEvent) => void;
  /**
   * Emulated ms the client spends on request `index` before it leaves (the Ruby CLI's start-up,
   * for instance). Drawn per request, so it does not depend on the order requests are sent in.
   */
  clientOverheadMs?: (index: number) => number;
  /** stops sending: requests not yet sent stay unsent, answers still in flight are not awaited */
  signal?: AbortSignal;
}

export interface LoadOptions {
  /** parallel mode: at most this many allocate calls in flight; unlimited when absent */
  concurrency?: number;
}

/** One allocate request as the client lived it. Times are emulated ms; NaN: did not happen. */
export interface Submission {
  index: number;
  /** the intended submit time: the START boundary */
  intendedMs: number;
  /** when the call left the client (after its overhead and any client-side queueing) */
  sentMs: number;
  /** when the stack answered: the PENDING boundary on success */
  answeredMs: number;
  vmId?: number;
  error?: string;
}

export interface LoadMode {
  readonly name: string;
  /** one line for --help and the docs */
  readonly description: string;
  run(ctx: LoadContext, submissions: Submission[], options: LoadOptions): Promise<void>;
}
