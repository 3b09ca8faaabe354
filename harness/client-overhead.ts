import { sample, type Distribution, type Random } from '../sim/random.js';

/**
 * The client's per-request overhead (e.g. the Ruby CLI's start-up before each `onevm create`),
 * in emulated ms, for the load generator's `clientOverheadMs`. Each request draws from its own
 * stream, so the draws do not depend on the mode, the concurrency or the order of sending.
 */
export function clientOverheadFrom(distributionMs: Distribution, random: Random): (index: number) => number {
  return (index) => sample(distributionMs, random.stream('client-overhead', index));
}
