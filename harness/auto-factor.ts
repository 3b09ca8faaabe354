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
 *
 * That is a prediction from the harness's work alone. Real timers, sockets and other processes
 * (a stack and its drivers as children, a busy machine) cost more, so the prediction is then
 * checked: a probe runs the scenario in its own launch mode at the predicted factor and measures
 * the bound it really had. A bound over the target lowers the factor by the ratio, with a
 * margin, since lateness grows faster than linearly as the event loop nears saturation.
 * Launch modes that cannot run in virtual time (the reference stack as child processes) are
 * calibrated on the same scenario embedded: the same stack and farm, the same total mean.
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

/** A probe's bound above the target lowers the factor by the ratio, times this margin. */
export const PROBE_MARGIN = 0.8;

/**
 * After a probe at `auto`'s factor measured `bound` (emulated s) on the total mean: the factor
 * to run at, and the record with the probe in it. A probe within the target keeps the factor.
 */
export function afterProbe(chosen: { factor: number; auto: AutoFactor }, probe: { bound: number; totalMeanS: number | null }): { factor: number; auto: AutoFactor } {
  const { factor, auto } = chosen;
  const limit = auto.target * auto.calibrationTotalMean;
  const record = { ...auto, probe: { factor, bound: probe.bound, totalMean: probe.totalMeanS } };
  if (probe.bound <= limit) return { factor, auto: record };
  const lowered = Math.max(FACTOR_RANGE.min, roundDown(factor * (limit / probe.bound) * PROBE_MARGIN));
  const clean = Number(lowered.toPrecision(2));
  return { factor: clean, auto: { ...record, predictedBound: (probe.bound * clean) / factor } };
}

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
      probe: null,
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
