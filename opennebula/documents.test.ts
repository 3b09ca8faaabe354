import { describe, expect, it } from 'vitest';
import { HistoryAction, OWNER_USE_MANAGE, historyRecord, hostDocument, vmDocument, vmTemplateDocument } from './documents.js';
import { HostState, LcmState, VmState } from './states.js';

describe('document builders', () => {
  it('vmDocument: a VM as one.vm.allocate leaves it, PREV_* following the given state', () => {
    const pending = vmDocument({ id: 3, name: 'a' });
    expect(pending).toMatchObject({ state: VmState.PENDING, lcmState: LcmState.LCM_INIT, prevState: VmState.PENDING, prevLcmState: 0, uname: 'oneadmin', history: [] });
    const running = vmDocument({ id: 4, name: 'b', state: VmState.ACTIVE, lcmState: LcmState.RUNNING });
    expect([running.prevState, running.prevLcmState]).toEqual([VmState.ACTIVE, LcmState.RUNNING]);
    expect(vmDocument({ id: 5, name: 'c', state: VmState.DONE, prevState: VmState.ACTIVE }).prevState).toBe(VmState.ACTIVE);
  });

  it('gives every document its own permissions, never the shared constant', () => {
    const a = vmDocument({ id: 1, name: 'a' });
    a.permissions.other.use = 1;
    expect(OWNER_USE_MANAGE.other.use).toBe(0);
    expect(vmDocument({ id: 2, name: 'b' }).permissions.other.use).toBe(0);
    expect(vmTemplateDocument({ id: 1, name: 't' }).permissions).toEqual(OWNER_USE_MANAGE);
  });

  it('historyRecord: times unset, 7.x defaults for plan, action and requester', () => {
    expect(historyRecord({ oid: 1, seq: 0, hostname: 'h', hid: 2 })).toMatchObject({ stime: 0, pstime: 0, rstime: 0, planId: -1, actionId: 0, action: HistoryAction.NONE, uid: -1, requestId: '-1' });
  });

  it('hostDocument: a host as one.host.allocate leaves it, not yet monitored', () => {
    const host = hostDocument({ id: 0, name: 'h0' });
    expect(host.state).toBe(HostState.INIT);
    expect(host.monitoring).toBeUndefined();
    expect(host.share.maxCpu).toBe(0);
  });

  it('HistoryAction numbers match vm.xsd', () => {
    expect([HistoryAction.NONE, HistoryAction.RESCHED, HistoryAction.TERMINATE, HistoryAction.TERMINATE_HARD, HistoryAction.DEPLOY]).toEqual([0, 17, 27, 28, 30]);
  });
});
