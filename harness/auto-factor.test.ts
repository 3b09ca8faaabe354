import { describe, expect, it } from 'vitest';
import { afterProbe, CalibrationTap, chooseFactor, FACTOR_RANGE, PROBE_MARGIN } from './auto-factor.js';
import { parseClock } from './scenario.js';

describe('chooseFactor', () => {
  it('picks the largest factor, to two digits, whose bound stays under 1% of the total mean', () => {
    // 50.9 s total mean; the harness works 230 ms of wall time inside the average VM's life:
    // the bound is 0.23 s per unit of factor, and 1% of the mean is 0.509 s, so 2.2 (2.21... rounded down)
    const { factor, auto } = chooseFactor({ totalMeanS: 50.9, workPerVmMs: 230 });
    expect(factor).toBe(2.2);
    expect(auto).toEqual({
      calibration: 'a virtual-time run of the same scenario',
      workPerVmMs: 230,
      calibrationTotalMean: 50.9,
      target: 0.01,
      predictedBound: 0.506,
      probe: null,
    });
    expect(auto.predictedBound).toBeLessThanOrEqual(0.01 * 50.9);
  });

  it('rounds down at every magnitude, and keeps within its range', () => {
    expect(chooseFactor({ totalMeanS: 50, workPerVmMs: 3 }).factor).toBe(160); // 166.6...
    expect(chooseFactor({ totalMeanS: 50, workPerVmMs: 6_000 }).factor).toBe(0.083); // 0.0833...
    expect(chooseFactor({ totalMeanS: 50, workPerVmMs: 0 }).factor).toBe(FACTOR_RANGE.max);
    expect(chooseFactor({ totalMeanS: 50, workPerVmMs: 1e9 }).factor).toBe(FACTOR_RANGE.min);
    expect(chooseFactor({ totalMeanS: 50, workPerVmMs: 500 }, 0.05).factor).toBe(5);
  });
});

describe('afterProbe', () => {
  const chosen = chooseFactor({ totalMeanS: 50.9, workPerVmMs: 230 }); // 2.2, target 0.509 s

  it('keeps the factor when the probe measured a bound within the target, and records the probe', () => {
    const kept = afterProbe(chosen, { bound: 0.4, totalMeanS: 50.8 });
    expect(kept.factor).toBe(2.2);
    expect(kept.auto.probe).toEqual({ factor: 2.2, bound: 0.4, totalMean: 50.8 });
    expect(kept.auto.predictedBound).toBe(chosen.auto.predictedBound);
  });

  it('lowers it by the measured ratio and a margin when the prediction was short, and predicts from the probe', () => {
    // five times the predicted bound: 2.2 x (0.509 / 2.53) x 0.8 = 0.354..., rounded down to 0.35
    const lowered = afterProbe(chosen, { bound: 2.53, totalMeanS: 53 });
    expect(lowered.factor).toBe(0.35);
    expect(lowered.factor).toBeLessThan(2.2 * (0.509 / 2.53));
    expect(lowered.auto.probe).toEqual({ factor: 2.2, bound: 2.53, totalMean: 53 });
    expect(lowered.auto.predictedBound).toBeCloseTo((2.53 * 0.35) / 2.2, 12);
    expect(lowered.auto.predictedBound).toBeLessThan(0.509 * PROBE_MARGIN + 1e-9);
    expect(afterProbe(chosen, { bound: 1e9, totalMeanS: null }).factor).toBe(FACTOR_RANGE.min);
  });
});

describe('CalibrationTap', () => {
  it("measures the wall time between each VM's submit and its NET-MSG, and averages it over the VMs that came up", () => {
    let wall = 0;
    const tap = new CalibrationTap(() => wall);
    expect(tap.workPerVmMs()).toBe(0);
    tap.record({ t: 0, type: 'submit', index: 0 });
    wall = 5;
    tap.record({ t: 0, type: 'submit', index: 1 });
    tap.record({ t: 0, type: 'submit', index: 2 });
    wall = 8;
    tap.record({ t: 100, type: 'answer', index: 1, vmId: 41 });
    tap.record({ t: 100, type: 'answer', index: 0, vmId: 40 });
    tap.record({ t: 100, type: 'answer', index: 2, result: 'FAILURE', info: 'no space' });
    wall = 60;
    tap.record({ t: 50_000, type: 'net-msg', vmId: 40, host: 'host-01' }); // 60 ms after its submit
    wall = 105;
    tap.record({ t: 52_000, type: 'net-msg', vmId: 41, host: 'host-02' }); // 100 ms
    tap.record({ t: 52_000, type: 'net-msg', vmId: 41, host: 'host-02' }); // a repeat counts once
    tap.record({ t: 53_000, type: 'net-msg', vmId: 99, host: 'host-02' }); // not ours
    expect(tap.workPerVmMs()).toBe(80);
  });
});

describe('the clock a scenario asks for', () => {
  it('reads scaled:auto, and still refuses what is no factor', () => {
    expect(parseClock('scaled:auto')).toEqual({ kind: 'scaled', scale: 'auto' });
    expect(parseClock('scaled:20')).toEqual({ kind: 'scaled', scale: 20 });
    expect(parseClock('scaled:automatic')).toBeUndefined();
  });
});
