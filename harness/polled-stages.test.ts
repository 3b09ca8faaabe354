import { describe, expect, it } from 'vitest';
import { LcmState, VmState } from '../opennebula/states.js';
import { observationReport, polledBoundaries } from './polled-stages.js';
import { Tracer } from './trace.js';

const active = (id: number, lcmState: number) => ({ id, state: VmState.ACTIVE, lcmState, host: 'host-01' });

describe('stages from polling', () => {
  it('takes each boundary once, at the poll that first showed it; a VM seen RUNNING at once gets them all at that poll', () => {
    const seen = new Map<number, number>();
    expect(polledBoundaries({ id: 1, state: VmState.PENDING, lcmState: 0 }, 1000, seen)).toEqual([]);
    expect(polledBoundaries(active(1, LcmState.PROLOG), 2000, seen).map((e) => e.action)).toEqual(['PROLOG']);
    expect(polledBoundaries(active(1, LcmState.RUNNING), 3000, seen).map((e) => [e.action, e.t])).toEqual([
      ['BOOT', 3000],
      ['RUNNING', 3000],
      ['NET-MSG', 3000],
    ]);
    expect(polledBoundaries(active(1, LcmState.RUNNING), 4000, seen)).toEqual([]);
    expect(polledBoundaries(active(2, LcmState.RUNNING), 4000, seen).map((e) => e.action)).toEqual(['PROLOG', 'BOOT', 'RUNNING', 'NET-MSG']);
  });

  it('a failed state fails the VM in the stage it was in, through the tracer', () => {
    const seen = new Map<number, number>();
    const tracer = new Tracer({ vms: 1 });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 10, type: 'answer', index: 0, vmId: 7 });
    for (const e of polledBoundaries(active(7, LcmState.BOOT_FAILURE), 2000, seen)) tracer.record(e);
    expect(tracer.progress().counts.failed).toBe(1);
    expect(tracer.failureOf(0)).toEqual({ reason: 'the stack shows BOOT_FAILURE', stage: 'BOOT-RUNNING' });
    expect(tracer.boundaries.time(0, 'BOOT')).toBe(2000);
    expect(tracer.boundaries.time(0, 'RUNNING')).toBeNaN();
  });

  it('moves a polled VM to up, with every stage measured', () => {
    const tracer = new Tracer({ vms: 1 });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 500, type: 'answer', index: 0, vmId: 3 });
    for (const e of polledBoundaries(active(3, LcmState.RUNNING), 4000, new Map())) tracer.record(e);
    expect(tracer.progress().counts.up).toBe(1);
    const samples = tracer.boundaries.samples();
    expect(samples['PENDING-PROLOG'].summary().mean).toBe(3.5);
    expect(samples.total.summary().mean).toBe(4);
  });

  it('says which boundaries were observed, polled or inferred, and at what resolution', () => {
    const polling = observationReport('polling', 2000);
    expect(polling.resolutionS).toBe(2);
    expect(polling.summary).toMatch(/every 2 s/);
    expect(observationReport('drivers', 2000)).toMatchObject({ resolutionS: null, boundaries: { PROLOG: 'observed', 'NET-MSG': 'observed' } });
  });
});
