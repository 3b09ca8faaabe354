import { describe, expect, it } from 'vitest';
import { VmState } from '../opennebula/states.js';
import { HostPool, VmPool } from './pools.js';
import type { VmRecord } from './records.js';

function vm(id: number, state: number = VmState.PENDING): VmRecord {
  return {
    id,
    uid: 0,
    gid: 0,
    uname: 'oneadmin',
    gname: 'oneadmin',
    name: `one-${id}`,
    state,
    lcmState: 0,
    prevState: state,
    prevLcmState: 0,
    stime: 0,
    etime: 0,
    deployId: '',
    cpu: 1,
    vcpu: 1,
    memoryMiB: 64,
    disks: [],
    template: [],
    userTemplate: [],
    history: [],
  };
}

const ids = (vms: readonly VmRecord[]) => vms.map((v) => v.id);

describe('VmPool.pending', () => {
  it('lists PENDING VMs oldest first, at most the limit, 0 meaning all', () => {
    const pool = new VmPool();
    for (let id = 0; id < 6; id += 1) pool.insert(vm(id, id === 2 ? VmState.HOLD : VmState.PENDING));
    expect(ids(pool.pending(0))).toEqual([0, 1, 3, 4, 5]);
    expect(ids(pool.pending(3))).toEqual([0, 1, 3]);
  });

  it('drops VMs that left PENDING, however they left, and takes back a released one in its place', () => {
    const pool = new VmPool();
    const vms = Array.from({ length: 5 }, (_, id) => vm(id));
    for (const v of vms) pool.insert(v);
    vms[0]!.state = VmState.ACTIVE;
    vms[3]!.state = VmState.HOLD;
    expect(ids(pool.pending(2))).toEqual([1, 2]);
    vms[1]!.state = VmState.ACTIVE;
    expect(ids(pool.pending(0))).toEqual([2, 4]);
    vms[3]!.state = VmState.PENDING;
    pool.stateChanged(vms[3]!);
    pool.stateChanged(vms[3]!);
    expect(ids(pool.pending(0))).toEqual([2, 3, 4]);
    // held and released before any scan saw it held: listed once
    vms[2]!.state = VmState.HOLD;
    vms[2]!.state = VmState.PENDING;
    pool.stateChanged(vms[2]!);
    expect(ids(pool.pending(0))).toEqual([2, 3, 4]);
  });

  it('agrees with a scan of the whole pool through many cycles', () => {
    const pool = new VmPool();
    const all: VmRecord[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round += 1) {
      for (let k = 0; k < 20; k += 1) {
        const v = vm(all.length, next() < 0.1 ? VmState.HOLD : VmState.PENDING);
        all.push(v);
        pool.insert(v);
      }
      for (const v of all) {
        const r = next();
        if (v.state === VmState.PENDING && r < 0.3) v.state = r < 0.05 ? VmState.HOLD : VmState.ACTIVE;
        else if (v.state === VmState.HOLD && r < 0.2) {
          v.state = VmState.PENDING;
          pool.stateChanged(v);
        }
      }
      const limit = round % 3 === 0 ? 0 : 25;
      const expected = all.filter((v) => v.state === VmState.PENDING).slice(0, limit || undefined);
      expect(ids(pool.pending(limit))).toEqual(ids(expected));
    }
  });
});

describe('HostPool.byName', () => {
  it('finds a host by its name', () => {
    const pool = new HostPool();
    pool.allocate('a', 'dummy', 'dummy', 0, 'default');
    const b = pool.allocate('b', 'dummy', 'dummy', 0, 'default');
    expect(pool.byName('b')).toBe(b);
    expect(pool.byName('c')).toBeUndefined();
  });
});
