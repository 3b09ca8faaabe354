import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { account } from './accounting.js';
import type { PolledVm } from './poll.js';
import { Tracer } from './trace.js';
import type { TraceEvent } from './trace-event.js';

function deployedTo(tracer: Tracer, vmId: number, upTo: 'prolog' | 'boot' | 'running' | 'up', t = 10): void {
  tracer.record({ t, type: 'tm.start', vmId, action: 'prolog', host: 'host-01' });
  if (upTo === 'prolog') return;
  tracer.record({ t: t + 1, type: 'tm.end', vmId, action: 'prolog', result: 'SUCCESS' });
  tracer.record({ t: t + 2, type: 'vmm.start', vmId, action: 'DEPLOY' });
  if (upTo === 'boot') return;
  tracer.record({ t: t + 3, type: 'vmm.end', vmId, action: 'DEPLOY', result: 'SUCCESS' });
  if (upTo === 'running') return;
  tracer.record({ t: t + 4, type: 'net-msg', vmId });
}

describe('account', () => {
  it('ends every VM as up, failed with its reason, or timed out with its last state', () => {
    const tracer = new Tracer({ vms: 10 });
    for (let index = 0; index < 9; index += 1) tracer.record({ t: 0, type: 'submit', index }); // VM 9 never sent
    const answer = (index: number): void => tracer.record({ t: 1, type: 'answer', index, vmId: 100 + index });
    [0, 2, 3, 6, 7, 8].forEach(answer); // 4 and 5: sent, never answered
    tracer.record({ t: 1, type: 'answer', index: 1, result: 'FAILURE', info: '[one.vm.allocate] quota exceeded' });
    deployedTo(tracer, 100, 'up');
    deployedTo(tracer, 102, 'prolog');
    tracer.record({ t: 12, type: 'tm.end', vmId: 102, action: 'prolog', result: 'FAILURE', info: 'CLONE: no space left' });
    deployedTo(tracer, 103, 'boot'); // the deploy that hangs
    deployedTo(tracer, 106, 'boot');
    tracer.record({ t: 20, type: 'vmm.end', vmId: 106, action: 'DEPLOY', result: 'FAILURE', info: 'Cannot allocate memory' });
    deployedTo(tracer, 107, 'boot');
    tracer.record({ t: 20, type: 'vmm.end', vmId: 107, action: 'DEPLOY', result: 'FAILURE', info: 'host-01 is down' });
    deployedTo(tracer, 108, 'up');

    const polled = new Map<number, PolledVm>([
      [100, { id: 100, state: 3, lcmState: 3 }],
      [102, { id: 102, state: 3, lcmState: 39, error: 'PROLOG: no space' }],
      [103, { id: 103, state: 3, lcmState: 2 }],
      [107, { id: 107, state: 1, lcmState: 0 }], // the stack put it back to PENDING to retry elsewhere
      [108, { id: 108, state: 3, lcmState: 2 }], // guest up, but the stack never marked it RUNNING
      // 106 is missing from the pool (poll incomplete)
    ]);
    const { vms, failures, crossCheck } = account(tracer, polled);
    expect(vms).toEqual({ requested: 10, up: 2, failed: 3, timedOut: 5 });
    expect(failures.map((f) => [f.index, f.vmId, f.outcome, f.reason, f.stage, f.state])).toEqual([
      [1, null, 'failed', '[one.vm.allocate] quota exceeded', 'START-PENDING', 'not created'],
      [2, 102, 'failed', 'TRANSFER: CLONE: no space left', 'PROLOG-BOOT', 'PROLOG_FAILURE'],
      [3, 103, 'timedOut', 'no NET-MSG by the deadline', 'BOOT-RUNNING', 'BOOT'],
      [4, null, 'timedOut', 'no NET-MSG by the deadline', 'START-PENDING', 'allocate unanswered'],
      [5, null, 'timedOut', 'no NET-MSG by the deadline', 'START-PENDING', 'allocate unanswered'],
      [6, 106, 'failed', 'DEPLOY: Cannot allocate memory', 'BOOT-RUNNING', 'BOOT_FAILURE (as traced)'],
      [7, 107, 'timedOut', 'no NET-MSG by the deadline; last failure: DEPLOY: host-01 is down', 'PENDING-PROLOG', 'PENDING'],
      [9, null, 'timedOut', 'no NET-MSG by the deadline', 'START-PENDING', 'not submitted'],
    ]);
    expect(crossCheck).toEqual({ polled: 5, upButNotRunning: 1, examples: [{ vmId: 108, state: 'BOOT' }] });
  });

  it('uses the stack\'s word when the trace has none', () => {
    const tracer = new Tracer({ vms: 2 });
    tracer.record({ t: 0, type: 'submit', index: 0 });
    tracer.record({ t: 0, type: 'submit', index: 1 });
    tracer.record({ t: 1, type: 'answer', index: 0, vmId: 0 });
    tracer.record({ t: 1, type: 'answer', index: 1, vmId: 1 });
    const polled = new Map<number, PolledVm>([
      [0, { id: 0, state: 7, lcmState: 0, error: 'Error executing image transfer script' }],
      [1, { id: 1, state: 6, lcmState: 0 }],
    ]);
    expect(account(tracer, polled).failures.map((f) => [f.reason, f.state])).toEqual([
      ['Error executing image transfer script', 'FAILED'],
      ['the stack reports DONE', 'DONE'],
    ]);
  });

  it('takes a timed-out VM\'s stage from the last boundary seen, and names a stack ahead of its drivers', () => {
    const tracer = new Tracer({ vms: 3 });
    for (let index = 0; index < 3; index += 1) {
      tracer.record({ t: 0, type: 'submit', index });
      tracer.record({ t: 1, type: 'answer', index, vmId: index });
    }
    deployedTo(tracer, 0, 'prolog'); // the stack says BOOT, but its DEPLOY never reached a driver
    deployedTo(tracer, 1, 'boot');
    const polled = new Map<number, PolledVm>([
      [0, { id: 0, state: 3, lcmState: 2, host: 'host-01' }],
      [1, { id: 1, state: 3, lcmState: 2, host: 'host-01' }],
      [2, { id: 2, state: 1, lcmState: 0, schedMessage: 'Wed Nov 25 13:26:22 2026: [HOST] Not enough CPU on hosts: 0,1' }],
    ]);
    expect(account(tracer, polled).failures.map((f) => [f.vmId, f.stage, f.host, f.state, f.reason])).toEqual([
      [0, 'PROLOG-BOOT', 'host-01', 'BOOT', 'no NET-MSG by the deadline; the stack shows BOOT but no DEPLOY reached a VMM driver'],
      [1, 'BOOT-RUNNING', 'host-01', 'BOOT', 'no NET-MSG by the deadline'],
      [2, 'PENDING-PROLOG', null, 'PENDING', 'no NET-MSG by the deadline: never placed; the scheduler says "[HOST] Not enough CPU on hosts: 0,1"'],
    ]);
    // interrupted: the same VMs, cut off by the signal rather than the deadline
    expect(account(tracer, polled, { interruptedBy: 'SIGINT' }).failures.map((f) => f.reason)).toEqual([
      'cut off by the interruption (SIGINT); the stack shows BOOT but no DEPLOY reached a VMM driver',
      'cut off by the interruption (SIGINT)',
      'cut off by the interruption (SIGINT): never placed; the scheduler says "[HOST] Not enough CPU on hosts: 0,1"',
    ]);
  });

  it('keeps up + failed + timed out equal to the number requested for any trace', () => {
    const event = (n: number): fc.Arbitrary<TraceEvent> =>
      fc.oneof(
        fc.record({ t: fc.nat(1000), type: fc.constant('submit' as const), index: fc.nat(n - 1) }),
        fc.record({ t: fc.nat(1000), type: fc.constant('answer' as const), index: fc.nat(n - 1), vmId: fc.nat(n - 1) }),
        fc.record({ t: fc.nat(1000), type: fc.constant('answer' as const), index: fc.nat(n - 1), result: fc.constant('FAILURE' as const), info: fc.string() }),
        fc.record({
          t: fc.nat(1000),
          type: fc.constantFrom('tm.start' as const, 'tm.end' as const, 'vmm.start' as const, 'vmm.end' as const, 'net-msg' as const, 'lost' as const),
          vmId: fc.nat(n + 2),
          action: fc.constantFrom('prolog', 'epilog', 'DEPLOY', 'CANCEL'),
          result: fc.constantFrom('SUCCESS' as const, 'FAILURE' as const),
        }),
      );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(event(n), { maxLength: 60 }), fc.array(fc.record({ id: fc.nat(n + 2), state: fc.nat(11), lcmState: fc.nat(60) }))),
        ),
        ([n, events, polledList]) => {
          const tracer = new Tracer({ vms: n });
          for (const e of events) tracer.record(e);
          const { vms, failures } = account(tracer, new Map(polledList.map((p) => [p.id, p])));
          expect(vms.up + vms.failed + vms.timedOut).toBe(n);
          expect(failures).toHaveLength(vms.failed + vms.timedOut);
          expect(new Set(failures.map((f) => f.index)).size).toBe(failures.length);
        },
      ),
    );
  });
});
