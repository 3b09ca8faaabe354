import { describe, expect, it } from 'vitest';
import { BoundaryTable, STAGES, type StageName } from './stages.js';
import type { TraceEvent } from './trace-event.js';

const ev = (t: number, type: TraceEvent['type'], extra: Partial<TraceEvent> = {}): TraceEvent => ({ t, type, ...extra });

/** Durations in ms of VM 0 (table of one), undefined where the stage is missing. */
function stagesOf(events: TraceEvent[]): Partial<Record<StageName, number>> {
  const table = new BoundaryTable(1);
  for (const e of events) table.observe(0, e);
  const out: Partial<Record<StageName, number>> = {};
  for (const s of STAGES) {
    const d = table.durations(s);
    if (d.length) out[s] = d[0]!;
  }
  return out;
}

const happyPath = [
  ev(0, 'submit'),
  ev(40, 'answer', { vmId: 7 }),
  ev(1_000, 'tm.start', { action: 'prolog' }),
  ev(4_000, 'tm.end', { action: 'prolog', result: 'SUCCESS' }),
  ev(4_500, 'vmm.start', { action: 'DEPLOY' }),
  ev(6_000, 'vmm.end', { action: 'DEPLOY', result: 'SUCCESS' }),
  ev(6_100, 'boot'),
  ev(30_000, 'net-msg'),
];

describe('stage boundaries', () => {
  it('cuts a clean deploy into five stages that add up to total', () => {
    expect(stagesOf(happyPath)).toEqual({
      'START-PENDING': 40,
      'PENDING-PROLOG': 960,
      'PROLOG-BOOT': 3_500,
      'BOOT-RUNNING': 1_500,
      'RUNNING-NET-MSG': 24_000,
      total: 30_000,
    });
  });

  it('takes the attempt that got the VM running when the first placement failed', () => {
    const s = stagesOf([
      ev(0, 'submit'),
      ev(40, 'answer', { vmId: 7 }),
      ev(1_000, 'tm.start', { action: 'prolog', host: 'host-01' }),
      ev(2_000, 'tm.end', { action: 'prolog', result: 'SUCCESS' }),
      ev(2_500, 'vmm.start', { action: 'DEPLOY' }),
      ev(3_000, 'vmm.end', { action: 'DEPLOY', result: 'FAILURE', info: 'out of memory' }),
      ev(3_100, 'tm.start', { action: 'epilog' }), // cleanup of attempt 1: not a PROLOG
      ev(3_200, 'tm.end', { action: 'epilog', result: 'SUCCESS' }),
      ev(10_000, 'tm.start', { action: 'prolog', host: 'host-02' }), // second history record
      ev(12_000, 'tm.end', { action: 'prolog', result: 'SUCCESS' }),
      ev(12_500, 'vmm.start', { action: 'DEPLOY' }),
      ev(14_000, 'vmm.end', { action: 'DEPLOY', result: 'SUCCESS' }),
      ev(40_000, 'net-msg'),
    ]);
    expect(s).toEqual({
      'START-PENDING': 40,
      'PENDING-PROLOG': 9_960, // includes the failed attempt: the VM waited to be placed again
      'PROLOG-BOOT': 2_500,
      'BOOT-RUNNING': 1_500,
      'RUNNING-NET-MSG': 26_000,
      total: 40_000,
    });
  });

  it('takes the latest DEPLOY when the deploy alone is retried', () => {
    const s = stagesOf([
      ...happyPath.slice(0, 5),
      ev(5_000, 'vmm.end', { action: 'DEPLOY', result: 'FAILURE' }),
      ev(9_000, 'vmm.start', { action: 'DEPLOY' }),
      ev(9_800, 'vmm.end', { action: 'DEPLOY', result: 'SUCCESS' }),
      ev(20_000, 'net-msg'),
    ]);
    expect(s['PROLOG-BOOT']).toBe(8_000);
    expect(s['BOOT-RUNNING']).toBe(800);
  });

  it('ignores prolog and deploy actions once the VM is running (resume, migration)', () => {
    const s = stagesOf([
      ...happyPath,
      ev(50_000, 'tm.start', { action: 'prolog' }),
      ev(51_000, 'vmm.start', { action: 'DEPLOY' }),
      ev(52_000, 'vmm.end', { action: 'DEPLOY', result: 'SUCCESS' }),
    ]);
    expect(s['PROLOG-BOOT']).toBe(3_500);
    expect(s.total).toBe(30_000);
  });

  it('never lets a stage go negative when the answer arrives after the stack placed the VM', () => {
    const s = stagesOf([
      ev(0, 'submit'),
      ev(1_000, 'tm.start', { action: 'prolog' }),
      ev(5_000, 'answer', { vmId: 7 }), // a multicall answered everything at its end
      ev(6_000, 'vmm.start', { action: 'DEPLOY' }),
      ev(7_000, 'vmm.end', { action: 'DEPLOY', result: 'SUCCESS' }),
      ev(9_000, 'net-msg'),
    ]);
    expect(s).toEqual({
      'START-PENDING': 5_000,
      'PENDING-PROLOG': 0,
      'PROLOG-BOOT': 1_000,
      'BOOT-RUNNING': 1_000,
      'RUNNING-NET-MSG': 2_000,
      total: 9_000,
    });
  });

  it('measures only the stages whose two ends were seen', () => {
    // a deploy that hangs: no RUNNING, no NET-MSG
    expect(stagesOf(happyPath.slice(0, 5))).toEqual({
      'START-PENDING': 40,
      'PENDING-PROLOG': 960,
      'PROLOG-BOOT': 3_500,
    });
    // a failed allocate: START only
    expect(stagesOf([ev(0, 'submit'), ev(3, 'answer', { result: 'FAILURE', info: 'no' })])).toEqual({});
  });

  it('keeps VMs apart and in burst order', () => {
    const table = new BoundaryTable(3);
    table.observe(2, ev(0, 'submit'));
    table.observe(0, ev(0, 'submit'));
    table.observe(0, ev(10, 'answer', { vmId: 1 }));
    table.observe(2, ev(30, 'answer', { vmId: 2 }));
    expect([...table.durations('START-PENDING')]).toEqual([10, 30]);
    expect(table.time(1, 'START')).toBeNaN();
    expect(table.samples()['START-PENDING'].summary()).toMatchObject({ count: 2, min: 0.01, max: 0.03 });
  });
});
