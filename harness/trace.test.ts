import { describe, expect, it } from 'vitest';
import { Phase, Tracer } from './trace.js';
import type { TraceEvent } from './trace-event.js';
import { MemorySink } from './trace-sink.js';

describe('Tracer', () => {
  it('maps driver events onto the VM the allocate answer named, even when they come first', () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ vms: 2, sink });
    const events: TraceEvent[] = [
      { t: 0, type: 'submit', index: 0 },
      { t: 0, type: 'submit', index: 1 },
      { t: 5, type: 'answer', index: 1, vmId: 41 },
      { t: 6, type: 'tm.start', vmId: 40, action: 'prolog', host: 'host-02' }, // 40 not known yet
      { t: 7, type: 'tm.start', vmId: 99, action: 'prolog' }, // not ours
      { t: 8, type: 'answer', index: 0, vmId: 40 },
      { t: 9, type: 'host', host: 'host-02', action: 'crash' },
    ];
    for (const e of events) tracer.record(e);
    expect(sink.lines).toHaveLength(events.length);
    expect(tracer.vmIdOf(0)).toBe(40);
    expect(tracer.indexOf(41)).toBe(1);
    expect(tracer.vmIdOf(1)).toBe(41);
    expect(tracer.phaseOf(0)).toBe(Phase.PROLOG);
    expect(tracer.hostOfVm(0)).toBe('host-02');
    expect(tracer.phaseOf(1)).toBe(Phase.PENDING);
    expect(tracer.boundaries.time(0, 'PROLOG')).toBe(6);
    expect(tracer.progress().counts).toMatchObject({ prolog: 1, pending: 1, waiting: 0 });
  });

  it('after freeze(), writes events to the trace but moves no timeline', () => {
    const sink = new MemorySink();
    const tracer = new Tracer({ vms: 1, sink });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 1, type: 'answer', index: 0, vmId: 7 });
    tracer.freeze();
    tracer.record({ t: 2, type: 'tm.start', vmId: 7, action: 'prolog', host: 'h' });
    expect(sink.lines).toHaveLength(3);
    expect(tracer.phaseOf(0)).toBe(Phase.PENDING);
    expect(tracer.boundaries.time(0, 'PROLOG')).toBeNaN();
  });

  it('follows a VM through failure, retry and NET-MSG, keeping counts that add up', () => {
    const tracer = new Tracer({ vms: 3 });
    const r = (e: TraceEvent): void => tracer.record(e);
    for (const index of [0, 1, 2]) r({ t: 0, type: 'submit', index });
    r({ t: 1, type: 'answer', index: 0, vmId: 0 });
    r({ t: 1, type: 'answer', index: 1, result: 'FAILURE', info: '[one.vm.allocate] quota exceeded' });
    r({ t: 2, type: 'tm.start', vmId: 0, action: 'prolog' });
    r({ t: 3, type: 'tm.end', vmId: 0, action: 'prolog', result: 'FAILURE', info: 'clone: no space' });
    expect(tracer.phaseOf(0)).toBe(Phase.FAILED);
    expect(tracer.failureOf(0)).toEqual({ reason: 'TRANSFER: clone: no space', stage: 'PROLOG-BOOT' });
    r({ t: 9, type: 'tm.start', vmId: 0, action: 'prolog' });
    r({ t: 10, type: 'tm.end', vmId: 0, action: 'prolog', result: 'SUCCESS' });
    r({ t: 11, type: 'vmm.start', vmId: 0, action: 'DEPLOY' });
    r({ t: 12, type: 'vmm.end', vmId: 0, action: 'DEPLOY', result: 'SUCCESS', info: 'host:vm:dummy' });
    expect(tracer.phaseOf(0)).toBe(Phase.RUNNING);
    r({ t: 20, type: 'net-msg', vmId: 0 });
    r({ t: 21, type: 'lost', vmId: 0, info: 'host crashed' }); // after NET-MSG: it was up
    expect(tracer.phaseOf(0)).toBe(Phase.UP);
    expect(tracer.failureOf(1)).toEqual({ reason: '[one.vm.allocate] quota exceeded', stage: 'START-PENDING' });
    const { counts, requested } = tracer.progress();
    expect(counts).toEqual({ waiting: 0, submitted: 1, pending: 0, prolog: 0, boot: 0, running: 0, up: 1, failed: 1 });
    expect(Object.values(counts).reduce((a, b) => a + b)).toBe(requested);
  });

  it('fails a VM lost with its host in the stage it was living through', () => {
    const tracer = new Tracer({ vms: 1 });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 1, type: 'answer', index: 0, vmId: 5 });
    tracer.record({ t: 2, type: 'tm.start', vmId: 5, action: 'prolog', host: 'h' });
    tracer.record({ t: 3, type: 'tm.end', vmId: 5, action: 'prolog', result: 'SUCCESS' });
    tracer.record({ t: 4, type: 'vmm.start', vmId: 5, action: 'DEPLOY' });
    tracer.record({ t: 5, type: 'vmm.end', vmId: 5, action: 'DEPLOY', result: 'SUCCESS' });
    tracer.record({ t: 6, type: 'lost', vmId: 5, host: 'h', info: 'host h crashed' });
    expect(tracer.failureOf(0)).toEqual({ reason: 'host h crashed', stage: 'RUNNING-NET-MSG' });
  });

  it('rejects an event for a request outside the burst', () => {
    const tracer = new Tracer({ vms: 2 });
    expect(() => tracer.record({ t: 0, type: 'submit', index: 2 })).toThrow(/request 2, but the burst has 2 VMs/);
  });
});
