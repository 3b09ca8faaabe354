import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace-event.js';
import { RunView } from './view.js';

const viewOf = (events: TraceEvent[]): RunView => {
  const view = new RunView();
  for (const e of events) view.observe(e);
  return view;
};

describe('RunView', () => {
  it('reads each VM back from its columns: driver events before the answer, a retried prolog, a late send', () => {
    const view = viewOf([
      { t: 0, type: 'submit', index: 0 },
      { t: 0, type: 'submit', index: 1 },
      { t: 4, type: 'send', index: 1 },
      // VM 11's prolog reaches the driver before its allocate's answer reaches the client
      { t: 5, type: 'tm.start', vmId: 11, host: 'host-02', action: 'prolog' },
      { t: 9, type: 'answer', index: 1, vmId: 11 },
      { t: 10, type: 'answer', index: 0, vmId: 10 },
      { t: 12, type: 'tm.end', vmId: 11, host: 'host-02', action: 'prolog', result: 'FAILURE' },
      { t: 20, type: 'tm.start', vmId: 11, host: 'host-03', action: 'prolog' },
      { t: 25, type: 'tm.end', vmId: 11, host: 'host-03', action: 'prolog', result: 'SUCCESS' },
      { t: 25, type: 'vmm.start', vmId: 11, host: 'host-03', action: 'DEPLOY' },
      { t: 30, type: 'vmm.end', vmId: 11, host: 'host-03', action: 'DEPLOY', result: 'SUCCESS' },
      { t: 31, type: 'net-msg', vmId: 11, host: 'host-03' },
      { t: 40, type: 'lost', vmId: 10, host: 'host-01', info: 'gone' },
    ]);
    const [first, second] = view.answered();
    expect(first).toEqual({
      index: 0,
      vmId: 10,
      submit: 0,
      sent: 0,
      answered: 10,
      host: undefined,
      prolog: Number.NaN,
      prologEnd: Number.NaN,
      deploy: Number.NaN,
      running: Number.NaN,
      bootStart: Number.NaN,
      bootEnd: Number.NaN,
      netMsg: Number.NaN,
      lost: 40,
    });
    expect(second).toMatchObject({ index: 1, vmId: 11, sent: 4, answered: 9, host: 'host-03', prolog: 20, prologEnd: 25, deploy: 25, running: 30, netMsg: 31 });
    expect(view.intervals.tm).toEqual([
      { host: 'host-02', vmId: 11, action: 'prolog', start: 5, end: 12, ok: false },
      { host: 'host-03', vmId: 11, action: 'prolog', start: 20, end: 25, ok: true },
    ]);
  });

  it('pairs host-wide actions by host, leaves a hung one open, and sees new events after a read', () => {
    const view = viewOf([
      { t: 0, type: 'im.start', host: 'host-01', action: 'MONITOR' },
      { t: 1, type: 'im.start', host: 'host-02', action: 'MONITOR' },
      { t: 3, type: 'im.end', host: 'host-02', action: 'MONITOR', result: 'SUCCESS' },
    ]);
    expect(view.intervals.im.map((i) => [i.host, i.vmId, i.end])).toEqual([
      ['host-01', -1, Number.POSITIVE_INFINITY],
      ['host-02', -1, 3],
    ]);
    view.observe({ t: 8, type: 'im.end', host: 'host-01', action: 'MONITOR', result: 'SUCCESS' });
    expect(view.intervals.im[0]).toMatchObject({ end: 8, ok: true });
    expect(view.answered()).toEqual([]);
    view.observe({ t: 9, type: 'answer', index: 0, vmId: 1 });
    expect(view.answered().map((v) => [v.vmId, v.submit])).toEqual([[1, 9]]);
  });
});
