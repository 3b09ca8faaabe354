/**
 * How long oned 7.x takes from asking its scheduler driver for a placement plan to having the
 * plan (docs/architecture.md, "Against a real OpenNebula"). Two costs, both seen in oned 7.5.80's
 * logs under a burst:
 * - `placeMs`: the Ruby scheduler driver starts the rank scheduler as a new process on the pool's
 *   XML (a few hundred KB at a hundred pending VMs) and sends its plan back;
 * - `leftOutMs`: the rank scheduler reports every pending VM the plan leaves out (with MAX_HOST 1,
 *   all but one per host) as two error lines, and oned logs each into the VM's log and writes it
 *   into the VM's record, one at a time, in the thread that reads the driver, before it reads
 *   the plan. So the gap between two plans shrinks as the burst drains.
 * Defaults 0: the 4.4 and optimized profiles have no plans.
 */

export interface TurnaroundKnobs {
  /** the scheduler driver's time to answer a placement request, emulated ms */
  placeMs: number;
  /** oned's time per pending VM the plan leaves out, emulated ms */
  leftOutMs: number;
}

/** Emulated ms until a plan that leaves `leftOut` pending VMs out reaches the Plan Manager. */
export function planTurnaroundMs(knobs: Partial<TurnaroundKnobs>, leftOut: number): number {
  return (knobs.placeMs ?? 0) + leftOut * (knobs.leftOutMs ?? 0);
}
