import type { AutoFactor } from './lag.js';
import type { TraceEvent } from './trace-event.js';

/**
 * `--clock scaled:auto` (docs/architecture.md, "Lag"): the largest factor whose bound on the
 * distortion of the total mean stays under `TARGET` of the total mean.
 *
 * The bound a scaled run reports for the total mean is the harness's own busy time inside each
 * VM's START..NET-MSG, in emulated ms, averaged over the VMs: that busy time is wall time, so the
 * bound grows with the factor, W x factor, W being the harness's work per VM in wall ms. The
 * calibration measures W by running the same scenario once in virtual time, where the harness is
 * busy every wall millisecond: W is the wall time between each VM's submit and its NET-MSG,
 * averaged. The same run gives the total mean, undistorted. Then factor = TARGET x mean / W.
 */
export const TARGET = 0.01;

/** The calibration, as the run describes it in its lag block. */
export const CALIBRATION = 'a virtual-time run of the same scenario';

/** Factors are kept to two significant digits, rounded down (keeping the bound under the target). */
function roundDown(x: number): number {
  const magnitude = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / magnitude + 1e-9) * magnitude;
}

/** Smallest and largest factor the choice may give: below, a run would crawl; above, timers cannot keep up. */
export const FACTOR_RANGE = { min: 0.01, max: 1000 } as const;

/** The factor, and the record of how it was chosen. */
export function chooseFactor(measured: { totalMeanS: number; workPerVmMs: number }, target = TARGET): { factor: number; auto: AutoFactor } {
  const { totalMeanS, workPerVmMs } = measured;
  const ideal = workPerVmMs > 0 ? (target * totalMeanS * 1000) / workPerVmMs : FACTOR_RANGE.max;
  const factor = Math.min(FACTOR_RANGE.max, Math.max(FACTOR_RANGE.min, roundDown(ideal)));
  // floating noise out of the figures that land in result.json
  const clean = Number(factor.toPrecision(2));
  return {
    factor: clean,
    auto: {
      calibration: CALIBRATION,
      workPerVmMs,
      calibrationTotalMean: totalMeanS,
      target,
      predictedBound: (workPerVmMs * clean) / 1000,
    },
  };
}

/**
 * Watches the calibration run's trace: the wall time at which each VM was submitted and at which
 * its NET-MSG arrived. `wallNow` is the wall clock, in ms.
 */
export class CalibrationTap {
  private readonly submitted = new Map<number, number>();
  private readonly indexOfVm = new Map<number, number>();
  private sum = 0;
  private n = 0;

  constructor(private readonly wallNow: () => number) {}

  readonly record = (e: TraceEvent): void => {
    switch (e.type) {
      case 'submit':
        if (e.index !== undefined) this.submitted.set(e.index, this.wallNow());
        return;
      case 'answer':
        if (e.index !== undefined && e.vmId !== undefined) this.indexOfVm.set(e.vmId, e.index);
        return;
      case 'net-msg': {
        const index = e.vmId === undefined ? undefined : this.indexOfVm.get(e.vmId);
        const start = index === undefined ? undefined : this.submitted.get(index);
        if (start === undefined) return;
        this.sum += this.wallNow() - start;
        this.n += 1;
        this.submitted.delete(index!);
        return;
      }
      default:
        return;
    }
  };

  /** Mean wall ms between a VM's submit and its NET-MSG, over the VMs that came up; 0 if none did. */
  workPerVmMs(): number {
    return this.n === 0 ? 0 : this.sum / this.n;
  }
}
