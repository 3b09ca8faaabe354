import { describe, expect, it } from 'vitest';
import { HistoryAction } from '../opennebula/documents.js';
import { HostState, LcmState, VmState } from '../opennebula/states.js';
import { renderHost } from '../opennebula/host-xml.js';
import { setSingle } from '../opennebula/template.js';
import { renderVmPool } from '../opennebula/vm-xml.js';
import { toHostDocument, toVmDocument } from './documents.js';
import { HostPool } from './pools.js';
import type { VmRecord } from './records.js';
import { HostBodies, ShortBodies } from './vm-fragments.js';

function record(id: number): VmRecord {
  return {
    id,
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    name: `vm-${id}`,
    state: VmState.PENDING,
    lcmState: LcmState.LCM_INIT,
    prevState: VmState.PENDING,
    prevLcmState: LcmState.LCM_INIT,
    stime: 1_767_225_600,
    etime: 0,
    deployId: '',
    cpu: 0.5,
    vcpu: 1,
    memoryMiB: 512,
    disks: [],
    template: [
      { name: 'CPU', value: '0.5' },
      { name: 'DISK', vector: { DISK_ID: '0', IMAGE: 'ttylinux', SIZE: '2048', TYPE: 'FILE' } },
      { name: 'MEMORY', value: '512' },
      { name: 'VMID', value: String(id) },
    ],
    userTemplate: [],
    history: [],
  };
}

/** What the pool renderer writes for the record's document: the reference the fragments must equal. */
const fresh = (vm: VmRecord): string => renderVmPool([toVmDocument(vm)], 'short').slice('<VM_POOL>'.length, -'</VM_POOL>'.length);

describe('ShortBodies', () => {
  it('writes what the pool renderer writes, and reuses it while the VM does not change', () => {
    const bodies = new ShortBodies();
    const vm = record(3);
    const first = bodies.of(vm);
    expect(first).toBe(fresh(vm));
    expect(bodies.of(vm)).toBe(first);
    expect(bodies.of(record(0))).toBe(fresh(record(0)));
  });

  it('renders again after any change the short body shows, made in place or by replacement', () => {
    const bodies = new ShortBodies();
    const vm = record(7);
    const changes: Array<(vm: VmRecord) => void> = [
      (v) => void ((v.state = VmState.ACTIVE), (v.lcmState = LcmState.PROLOG)),
      (v) =>
        void v.history.push({
          seq: 0,
          hostname: 'host-01',
          hid: 1,
          cid: 0,
          stime: 1,
          etime: 0,
          vmMad: 'dummy',
          tmMad: 'dummy',
          dsId: 0,
          pstime: 1,
          petime: 0,
          rstime: 0,
          retime: 0,
          estime: 0,
          eetime: 0,
          action: HistoryAction.NONE,
        }),
      (v) => void (v.template = setSingle(v.template, 'MEMORY', '1024')),
      (v) => void (v.deployId = 'host-01:vm-7:dummy'),
      (v) => void (v.history.at(-1)!.action = HistoryAction.TERMINATE),
      (v) => void (v.userTemplate = setSingle(v.userTemplate, 'ERROR', 'Mon Jan  1 00:00:00 2026: DEPLOY: failed')),
      (v) => void (v.etime = 1_767_229_200),
      (v) => void (v.name = 'renamed & co'),
    ];
    let before = bodies.of(vm);
    for (const change of changes) {
      change(vm);
      const after = bodies.of(vm);
      expect(after).not.toBe(before);
      expect(after).toBe(fresh(vm));
      before = after;
    }
  });
});

describe('ShortBodies.pool', () => {
  it('answers what renderVmPool writes, a pool at rest as before, and anew once a VM in it changed or the list did', () => {
    const bodies = new ShortBodies();
    const vms = [record(2), record(1), record(0)];
    const expected = (list: VmRecord[]): string => renderVmPool(list.map(toVmDocument), 'short');
    const first = bodies.pool(vms);
    expect(first).toBe(expected(vms));
    expect(bodies.pool(vms)).toBe(first);
    // a shorter list of the same bodies is not the last answer
    expect(bodies.pool(vms.slice(1))).toBe(expected(vms.slice(1)));
    expect(bodies.pool(vms)).toBe(first);
    vms[1]!.state = VmState.HOLD;
    expect(bodies.pool(vms)).toBe(expected(vms));
    expect(bodies.pool(vms)).not.toBe(first);
    expect(bodies.pool([])).toBe('<VM_POOL></VM_POOL>');
  });
});

describe('ShortBodies: the TEMPLATE of VMs of one template', () => {
  /** VMs whose shown attributes are the same frozen objects, as freezeShape leaves those of one template */
  const shared = [
    Object.freeze({ name: 'CPU', value: '0.5' }),
    Object.freeze({ name: 'DISK', vector: Object.freeze({ DISK_ID: '0', IMAGE: 'ttylinux', SIZE: '2048', TYPE: 'FILE' }) }),
    Object.freeze({ name: 'MEMORY', value: '512' }),
  ];
  const ofShape = (id: number): VmRecord => ({ ...record(id), template: [...shared, { name: 'VMID', value: String(id) }] });

  it('writes what the renderer writes for each VM of the template', () => {
    const bodies = new ShortBodies();
    for (const id of [1, 2, 3]) expect(bodies.of(ofShape(id))).toBe(fresh(ofShape(id)));
  });

  it('renders again when an attribute it shows is another object, or could change in place', () => {
    const bodies = new ShortBodies();
    expect(bodies.of(ofShape(1))).toBe(fresh(ofShape(1)));
    const bigger = ofShape(2);
    bigger.template = [shared[0]!, shared[1]!, Object.freeze({ name: 'MEMORY', value: '1024' }), { name: 'VMID', value: '2' }];
    expect(bodies.of(bigger)).toContain('<MEMORY>1024</MEMORY>');
    expect(bodies.of(bigger)).toBe(fresh(bigger));
    // an unfrozen vector is read every time: changed in place, it shows
    const disk = { DISK_ID: '0', IMAGE: 'ttylinux', SIZE: '2048', TYPE: 'FILE' };
    const diskAttribute = { name: 'DISK', vector: disk };
    const loose = (id: number): VmRecord => ({ ...record(id), template: [shared[0]!, diskAttribute, shared[2]!] });
    expect(bodies.of(loose(3))).toBe(fresh(loose(3)));
    disk.SIZE = '4096';
    expect(bodies.of(loose(4))).toContain('4096');
    expect(bodies.of(loose(4))).toBe(fresh(loose(4)));
  });
});

describe('HostBodies', () => {
  it('writes what renderHost writes, and renders again after any change the document shows', () => {
    const pool = new HostPool();
    const host = pool.allocate('host-01', 'dummy', 'dummy', 0, 'default');
    const bodies = new HostBodies();
    const fresh = (): string => renderHost(toHostDocument(host));
    let before = bodies.of(host);
    expect(before).toBe(fresh());
    expect(bodies.of(host)).toBe(before);
    const monitor = { hypervisor: 'dummy', totalCpu: 800, usedCpu: 0, freeCpu: 800, totalMemKiB: 25_165_824, usedMemKiB: 0, freeMemKiB: 25_165_824, attributes: { HYPERVISOR: 'dummy', TOTALCPU: '800' } };
    const changes: Array<() => void> = [
      () => void ((host.state = HostState.MONITORED), (host.monitor = monitor), (host.lastMonTime = 1_767_225_600)),
      () => pool.addCapacity(host, record(4)),
      () => void (pool.delCapacity(host, record(4)), pool.addCapacity(host, { ...record(5), cpu: 0.5, memoryMiB: 512 })),
      () => void (host.lastMonTime += 60),
      () => void ((host.state = HostState.ERROR), (host.error = 'Mon Jan  1 00:00:00 2026 : Error monitoring Host host-01 (0): timeout')),
      // each part on its own: TEMPLATE (ERROR), the head (PREV_STATE), all three (a new monitor), head and TEMPLATE (IM_MAD)
      () => void (host.error = undefined),
      () => void (host.prevState = HostState.MONITORED),
      () => void (host.monitor = { ...monitor, usedCpu: 100, freeCpu: 700 }),
      () => void (host.imMad = 'kvm'),
    ];
    for (const change of changes) {
      change();
      const after = bodies.of(host);
      expect(after).not.toBe(before);
      expect(after).toBe(fresh());
      before = after;
    }
  });
});
