import type { z } from 'zod';
import type { FarmLauncher } from '../../adapters/mad-drivers.js';
import type { Clock } from '../../sim/clock.js';
import type { MethodHandler, StackEndpoint } from '../endpoint.js';
import type { StackCpuMeter } from '../stack-cpu.js';
import type { Observation } from '../polled-stages.js';
import type { RemoteLostTime } from '../remote-clock.js';
import type { ResolvedScenario } from '../scenario.js';

/**
 * A launch mode (docs/architecture.md, "Seams") decides where the stack runs and how its drivers
 * reach the host farm. The farm and the collector always live in the harness process; a mode is
 * handed the farm (its drivers, tapped so the trace sees every TM and VMM action) and puts it
 * where its stack's drivers can reach it: called directly (embedded) or served over HTTP to
 * driver processes (process, endpoint).
 */
export interface LaunchContext {
  resolved: ResolvedScenario;
  clock: Clock;
  /** the farm's drivers for a transport, already tapped; a MAD driver's pool goes around them */
  farm: FarmLauncher;
  /**
   * When given, the stack's CPU is measured (harness/stack-cpu.ts, for `stampede sweep`):
   * in-process modes wrap the stack's seam with it, a mode whose stack is a child process has the
   * OS read that process's CPU, and a mode that cannot see the stack's process leaves it unstarted.
   */
  meter?: StackCpuMeter;
  /** the run's report directory, when it has one: a mode may leave files of its own there (a container's log) */
  out?: string;
  /** test-only: wraps the stack's API table inside the meter, e.g. to inject a cost per call */
  api?: (table: ReadonlyMap<string, MethodHandler>) => ReadonlyMap<string, MethodHandler>;
}

export interface LaunchedStack {
  endpoint: StackEndpoint;
  /** `user:password` for every call */
  session: string;
  /**
   * Registers the farm's hosts with the stack; absent: the run allocates each (one.host.allocate).
   * A mode told the hosts already exist makes this a no-op.
   */
  registerHosts?(names: readonly string[]): Promise<void>;
  /**
   * Where the stage boundaries are taken (harness/polled-stages.ts): at the driver seam (default),
   * or off the stack's polled VM states when its drivers are not ours.
   */
  observes?: Observation;
  /**
   * Where the stack's own process lost emulated time (busy, late timers), moved onto the run's
   * clock: added to the run's lag bounds. Absent, or undefined, when the stack serves no clock of
   * ours (the embedded stack shares the run's; a real oned has none).
   */
  lostTime?(runClock: Clock): Promise<RemoteLostTime | undefined>;
  /** The last lines of the stack's log, for the report of a run whose stack stopped answering. */
  logTail?(): Promise<string[]>;
  /** Stops the stack's timers and releases what the launch started (and removes what it created). */
  stop(): Promise<void>;
}

export interface LaunchMode<O = unknown> {
  readonly name: string;
  /** one line for docs and errors */
  readonly description: string;
  /** which clocks the mode can run on */
  readonly clocks: ReadonlyArray<Clock['kind']>;
  /** the mode's options in a scenario's `launch: { mode, ... }` */
  readonly options: z.ZodType<O>;
  start(ctx: LaunchContext, options: O): Promise<LaunchedStack>;
}
