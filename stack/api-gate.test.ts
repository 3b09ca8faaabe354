import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { ApiGate, holdsDatabase } from './api-gate.js';
import { Database } from './database.js';

const KNOBS = { MAX_CONN: 15, callMs: 10, methodMs: {}, poolObjectMs: 0 };

describe('ApiGate and the database lock', () => {
  it('sends writes and pool dumps to the database, and serves single objects and the system calls from memory', () => {
    expect(['one.vm.allocate', 'one.vm.deploy', 'one.vmpool.info', 'one.hostpool.info', 'one.template.instantiate'].map(holdsDatabase)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['one.vm.info', 'one.host.info', 'one.acl.info', 'one.system.version', 'one.zone.raftstatus'].map(holdsDatabase)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('makes a write wait for a monitoring report holding the lock, and lets a single object\'s info through', async () => {
    const clock = new VirtualClock();
    const db = new Database(clock, 20);
    const gate = new ApiGate(clock, KNOBS, db);
    const [write, read] = await clock.run(async () => {
      void db.hold(db.reportMs(32)); // a host with 32 VMs: 98 writes of 20 ms
      return Promise.all([gate.serve('one.vm.deploy', () => clock.now()), gate.serve('one.vm.info', () => clock.now())]);
    });
    expect(write).toBe(1960 + 10);
    expect(read).toBe(10);
  });
});
