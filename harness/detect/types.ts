import type { Finding } from '../result.js';
import type { TraceEvent } from '../trace-event.js';
import type { RunView } from './view.js';

/** What the harness knows of the run before it starts: nothing read from inside the stack. */
export interface DetectContext {
  /** the hosts the harness registered, with the shape the farm gives them */
  hosts: ReadonlyArray<{ name: string; cores: number; memoryMiB: number }>;
  /** VMs the burst requests */
  vms: number;
  /** the head node's cores, where SSH set-ups run */
  headNodeCores: number;
}

/**
 * One detector (docs/architecture.md, "Detectors"), shaped like a ClusterLoader2 measurement:
 * `start` before the burst returns what subscribes to the trace, `gather` after the run returns
 * the findings. Every detector also gets the shared RunView, so none keeps its own copy of the
 * per-VM timelines.
 */
export interface Detector {
  /** the detector's name, as findings carry it */
  readonly name: string;
  /** the pathologies (or patterns) it can name */
  readonly names: readonly string[];
  /** one line for the README and --help: what it names, from what evidence */
  readonly summary: string;
  start(ctx: DetectContext): Measurement;
}

export interface Measurement {
  /** every event of the run, as it happens; most detectors read only the shared view */
  observe?(e: TraceEvent): void;
  gather(view: RunView): Finding[];
}
