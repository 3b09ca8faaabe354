import type { Finding } from '../result.js';
import { apiDegradation } from './api-degradation.js';
import { directIo } from './direct-io.js';
import { dispatchThrottle } from './dispatch-throttle.js';
import { headOfLine } from './head-of-line.js';
import { interference } from './interference.js';
import { lostNotSlow } from './lost-not-slow.js';
import { perHostSerialization } from './per-host-serialization.js';
import { serialSubmit } from './serial-submit.js';
import { sshPerAction } from './ssh-per-action.js';
import { threadPoolCap } from './thread-pool-cap.js';
import { verticalPipeline } from './vertical-pipeline.js';
import { withinRunDegradation } from './within-run-degradation.js';
import type { TraceEvent } from '../trace-event.js';
import type { DetectContext, Detector, Measurement } from './types.js';
import { RunView } from './view.js';

export type { DetectContext, Detector, Measurement } from './types.js';

/** Every detector, one registration line each, in the order their findings are listed. */
export const DETECTORS: readonly Detector[] = [
  perHostSerialization,
  threadPoolCap,
  verticalPipeline,
  dispatchThrottle,
  sshPerAction,
  directIo,
  serialSubmit,
  apiDegradation,
  headOfLine,
  interference,
  lostNotSlow,
  withinRunDegradation,
];

/** The detectors of a run: subscribe `observe` to the tracer before the burst, `gather` after it. */
export interface Detection {
  observe(e: TraceEvent): void;
  /** what the detectors read, also what a report draws (harness/series.ts) */
  readonly view: RunView;
  gather(): Finding[];
}

export function startDetection(ctx: DetectContext, detectors: readonly Detector[] = DETECTORS): Detection {
  const view = new RunView();
  const running: Measurement[] = detectors.map((d) => d.start(ctx));
  const observers = running.filter((m) => m.observe !== undefined);
  return {
    view,
    observe(e) {
      view.observe(e);
      for (const m of observers) m.observe!(e);
    },
    gather() {
      return running.flatMap((m) => m.gather(view));
    },
  };
}
