import type { DriverLauncher } from '../../opennebula/driver.js';
import type { Clock } from '../../sim/clock.js';
import type { StackEndpoint } from '../endpoint.js';
import type { ResolvedScenario } from '../scenario.js';

/**
 * A launch mode (docs/architecture.md, "Seams") decides where the stack runs and how its drivers
 * reach the host farm. The farm and the collector always live in the harness process; the
 * launch hands the stack a way to its drivers and gives the harness a way to the stack's API.
 */
export interface LaunchContext {
  resolved: ResolvedScenario;
  clock: Clock;
  /** the farm's drivers, already tapped so the trace sees every TM and VMM action */
  drivers: DriverLauncher;
}

export interface LaunchedStack {
  endpoint: StackEndpoint;
  /** `user:password` for every call */
  session: string;
  /** Stops the stack's timers and releases what the launch started. */
  stop(): Promise<void>;
}

export interface LaunchMode {
  readonly name: string;
  /** one line for docs and errors */
  readonly description: string;
  /** which clocks the mode can run on */
  readonly clocks: ReadonlyArray<Clock['kind']>;
  start(ctx: LaunchContext): Promise<LaunchedStack>;
}
