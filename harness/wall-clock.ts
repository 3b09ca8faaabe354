import type { Clock } from '../sim/clock.js';
import { ScaledClock } from '../sim/scaled-clock.js';

export type { Clock, Timer } from '../sim/clock.js';
/** For whoever stands a virtual clock in for the wall, as the live line's tests do (cli/ reaches sim/ only through harness/). */
export { VirtualClock } from '../sim/virtual-clock.js';

/**
 * Real time, for what is about the machine rather than the emulated cloud: the wall time of a
 * run, the redraw pace of the live line. It goes through sim/ like every other clock (nothing
 * outside sim/ reads the system clock or sets a timer), and never drives anything measured.
 */
export function wallClock(): Clock {
  return new ScaledClock(1);
}
