import { describe, expect, it } from 'vitest';
import { LcmState, VmState } from '../opennebula/states.js';
import type { VmmRequest } from '../opennebula/driver.js';
import { getSingle } from '../opennebula/template.js';
import { HANDOFF_MS } from './handoff.js';
import { resolveProfile } from './profile.js';
import { ReferenceStack } from './reference-stack.js';
import type { CycleResult } from './scheduler.js';
import { SMALL_VM, stackFixture, type FixtureOptions } from './test-support/stack-fixture.js';

/** 16 hosts, then `vms` VMs allocated at once; returns the fixture once every VM has settled. */
async function burst(options: FixtureOptions, vms = 512, hosts = 16, template = SMALL_VM) {
  const f = stackFixture(options);
  const settled = await f.clock.run(async () => {
    f.stack.start();
    await f.addHosts(hosts);
    await Promise.all(Array.from({ length: vms }, () => f.call('one.vm.allocate', template)));
    const result = await f.settled();
    f.stack.stop();
    return result;
  });
  return { ...f, settled };
}

const dispatchingCycles = (f: { cycles: CycleResult[] }) => f.cycles.filter((c) => c.dispatched.length > 0);

describe('ReferenceStack scheduling (SCHED_INTERVAL 30 s, MAX_DISPATCH 30, 16 hosts, 512 VMs)', () => {
  it('with MAX_HOST 1 dispatches over exactly 32 cycles, 16 VMs each, one per host', async () => {
    const f = await burst({ profile: 'opennebula-4.4' });
    const busy = dispatchingCycles(f);
    expect(busy).toHaveLength(32);
    expect(busy.every((c) => c.dispatched.length === 16)).toBe(true);
    expect(f.settled.filter((v) => v.state === VmState.ACTIVE && v.lcmState === LcmState.RUNNING)).toHaveLength(512);
    // a cycle starts SCHED_INTERVAL after the previous one ended (mm_sched's timer is re-armed
    // when the cycle returns), and a cycle lasts at least its 16 synchronous one.vm.deploy calls
    const deployMs = resolveProfile('opennebula-4.4').api.methodMs['one.vm.deploy']!;
    const gaps = busy.slice(1).map((c, k) => c.at - busy[k]!.at);
    expect(gaps.every((g) => g >= 30_000 + 16 * deployMs)).toBe(true);
    // the history records say the same: every VM's dispatch falls in its cycle, before the next
    const epoch = f.clock.epochMs() - f.clock.now();
    const window = new Map(busy.flatMap((c, k) => c.dispatched.map((d) => [d.vmId, [epoch + c.at, epoch + (busy[k + 1]?.at ?? Infinity)]] as const)));
    for (const vm of f.settled) {
      const [from, to] = window.get(vm.id)!;
      expect(vm.history[0]!.stime * 1000).toBeGreaterThanOrEqual(Math.floor(from / 1000) * 1000);
      expect(vm.history[0]!.stime * 1000).toBeLessThan(to);
    }
  });

  it('with sched-ignores-max-host off and MAX_HOST 1024 needs far fewer cycles (MAX_DISPATCH bound: 18)', async () => {
    const f = await burst({
      profile: { extends: 'opennebula-4.4', scheduler: { MAX_HOST: 1024 }, pathologies: { 'sched-ignores-max-host': false } },
    });
    expect(dispatchingCycles(f)).toHaveLength(18);
  });

  it('sched-ignores-max-host on: MAX_HOST 1024 changes nothing, still 32 cycles', async () => {
    const f = await burst({ profile: { extends: 'opennebula-4.4', scheduler: { MAX_HOST: 1024 } } });
    expect(dispatchingCycles(f)).toHaveLength(32);
  });
});

describe('ReferenceStack pathologies in the driver ARGUMENTS', () => {
  const clean = { extends: 'optimized', api: { callMs: 0, methodMs: {} } } as const;

  // The drivers run their own pools (adapters/mad-drivers.ts tests what the arguments do there):
  // the stack's part is to launch them with the ARGUMENTS oned.conf would give them.
  const launched = (profile: FixtureOptions['profile']) => stackFixture({ profile }).drivers.launches;

  it('launches the drivers with their thread counts, and the VMM with -p unless vmm-host-lock', () => {
    expect(launched({ ...clean, tm: { threads: 5 }, vmm: { threads: 3 }, im: { threads: 7 } })).toEqual([{ tm: '-t 5', vmm: '-t 3 -p', im: '-t 7' }]);
    expect(launched({ ...clean, pathologies: { 'vmm-host-lock': true } })[0]!.vmm).toBe('-t 32');
    expect(launched('opennebula-4.4')).toEqual([{ tm: '-t 15 --transport ssh', vmm: '-t 10 --transport ssh', im: '-t 15 --transport ssh' }]);
  });

  it('vertical-pipeline leaves the drivers their threads: it lives in the head node\'s hand-offs', () => {
    expect(launched({ ...clean, pathologies: { 'vertical-pipeline': true } })).toEqual([{ tm: '-t 128', vmm: '-t 32 -p', im: '-t 32' }]);
  });

  it('ssh-per-action launches every driver with transport ssh; otherwise persistent (the default)', () => {
    expect(launched({ ...clean, pathologies: { 'ssh-per-action': true } })).toEqual([
      { tm: '-t 128 --transport ssh', vmm: '-t 32 -p --transport ssh', im: '-t 32 --transport ssh' },
    ]);
  });

  it('direct-io hands every disk to the VMM with cache none; otherwise default', async () => {
    const template = `${SMALL_VM}DISK = [ TYPE = fs, SIZE = 64 ]\nCONTEXT = [ NETWORK = YES ]\n`;
    const caches = async (directIo: boolean) => {
      const f = await burst({ profile: { ...clean, pathologies: { 'direct-io': directIo } } }, 2, 1, template);
      const deploy = f.drivers.of('vmm', 'DEPLOY')[0]!.detail as VmmRequest;
      return deploy.vm.disks.map((d) => `${d.type}:${d.cache}`);
    };
    expect(await caches(true)).toEqual(['file:none', 'fs:none', 'context:none']);
    expect(await caches(false)).toEqual(['file:default', 'fs:default', 'context:default']);
  });
});

describe('ReferenceStack lifecycle', () => {
  it('stop() cancels every timer, so a virtual run ends; start() is idempotent', async () => {
    const f = stackFixture({ profile: 'opennebula-4.4' });
    await f.clock.run(async () => {
      f.stack.start();
      f.stack.start();
      await f.addHosts(2);
      await f.clock.sleep(100_000);
      f.stack.stop();
    });
    expect(f.clock.pending()).toBe(0);
    // two hosts monitored at the 15 s run, then pushing a report every 20 s after the last was
    // written (the fixture's MONITOR answers at once), and no more once stopped: the timers are gone
    const starts = f.drivers.of('im').map((c) => c.start);
    expect(starts.slice(0, 2)).toEqual([15_000, 15_000]);
    expect(starts.length).toBe(2 + 2 * 4);
    expect(Math.max(...starts)).toBeLessThan(100_000);
  });

  it('needs a oneadmin account for its scheduler', () => {
    const f = stackFixture({ profile: 'optimized' });
    expect(() => new ReferenceStack({ clock: f.clock, profile: f.profile, launcher: f.drivers.launcher, users: { alice: 'x' } })).toThrow(
      /users must include oneadmin/,
    );
  });
});

describe('ReferenceStack deploy and terminate path', () => {
  const fast = { extends: 'optimized', api: { callMs: 0, methodMs: {} } } as const;

  it('walks PENDING, PROLOG, BOOT, RUNNING with the history times and driver requests of oned', async () => {
    const f = stackFixture({ profile: fast, drivers: { transferMs: 3000, deployMs: 7000 } });
    const seen: Array<[number, number]> = [];
    await f.clock.run(async () => {
      f.stack.start();
      await f.addHosts(1);
      const id = (await f.call('one.vm.allocate', `${SMALL_VM}CONTEXT = [ HELLO = world ]\n`)) as number;
      await f.until(async () => {
        const vm = await f.vm(id);
        const last = seen.at(-1);
        if (!last || last[0] !== vm.state || last[1] !== vm.lcmState) seen.push([vm.state, vm.lcmState]);
        return vm.lcmState === LcmState.RUNNING;
      }, 500);
      f.stack.stop();
    });
    expect(seen).toEqual([
      [VmState.PENDING, LcmState.LCM_INIT],
      [VmState.ACTIVE, LcmState.PROLOG],
      [VmState.ACTIVE, LcmState.BOOT],
      [VmState.ACTIVE, LcmState.RUNNING],
    ]);
    const vm = await f.clock.run(() => f.vm(0));
    const h = vm.history[0]!;
    expect(h).toMatchObject({ oid: 0, seq: 0, hostname: 'host00', hid: 0, cid: 0, dsId: 0, vmMad: 'dummy', tmMad: 'shared' });
    expect(h.stime).toBe(h.pstime);
    expect(h.petime - h.pstime).toBe(3);
    expect(h.rstime).toBe(h.petime);
    expect([h.retime, h.estime, h.eetime, h.etime]).toEqual([0, 0, 0, 0]);
    expect(vm.deployId).toBe('host00:small:dummy');
    const transfer = f.drivers.of('tm', 'TRANSFER')[0]!;
    expect(transfer.detail).toMatchObject({ vmId: 0, op: 'prolog' });
    const deploy = f.drivers.of('vmm', 'DEPLOY')[0]!;
    // the VMM hears of the VM only once the prolog succeeded, the LCM took the reply and the VM Manager sent the DEPLOY
    expect(deploy.start).toBeCloseTo(transfer.end + HANDOFF_MS.lcm + HANDOFF_MS.vmm, 6);
    expect(deploy.detail).toMatchObject({ host: 'host00', deployId: '', vm: { id: 0, cpu: 0.25, vcpu: 1, memoryMiB: 512 } });
  });

  it('terminate: SHUTDOWN, then the epilog, then DONE, and the host gets its capacity back', async () => {
    const f = stackFixture({ profile: fast });
    const hostShare = async () => {
      const xml = (await f.call('one.host.info', 0)) as string;
      return [/<CPU_USAGE>(\d+)</.exec(xml)![1], /<MEM_USAGE>(\d+)</.exec(xml)![1], /<RUNNING_VMS>(\d+)</.exec(xml)![1]];
    };
    const shares = await f.clock.run(async () => {
      f.stack.start();
      await f.addHosts(1);
      await f.allocate(2, SMALL_VM);
      await f.settled();
      const before = await hostShare();
      await f.call('one.vm.action', 'terminate', 0);
      await f.call('one.vm.action', 'terminate-hard', 1);
      await f.settled();
      const after = await hostShare();
      f.stack.stop();
      return [before, after];
    });
    expect(shares).toEqual([
      ['50', String(2 * 512 * 1024), '2'],
      ['0', '0', '0'],
    ]);
    expect(f.drivers.of('vmm').map((c) => c.action)).toEqual(['DEPLOY', 'DEPLOY', 'SHUTDOWN', 'CANCEL']);
    expect(f.drivers.of('vmm', 'CANCEL')[0]!.detail).toMatchObject({ deployId: 'host00:small:dummy' });
    const epilogs = f.drivers.of('tm').filter((c) => (c.detail as { op: string }).op === 'epilog');
    expect(epilogs.map((c) => c.id).sort()).toEqual([0, 1]);
    const done = await f.clock.run(() => f.vms());
    expect(done.map((v) => [v.state, v.lcmState])).toEqual([
      [VmState.DONE, LcmState.LCM_INIT],
      [VmState.DONE, LcmState.LCM_INIT],
    ]);
    expect(done.map((v) => v.history[0]!.action).sort()).toEqual([27, 28]);
    expect(done.every((v) => v.history[0]!.eetime > 0 && v.history[0]!.etime === v.history[0]!.eetime && v.etime > 0)).toBe(true);
  });

  it('a VM that fits nowhere stays PENDING with a SCHED_MESSAGE, and is placed when room appears', async () => {
    const f = stackFixture({ profile: fast });
    const big = 'NAME = big\nCPU = 6\nMEMORY = 1024\n';
    const result = await f.clock.run(async () => {
      f.stack.start();
      await f.addHosts(1);
      const first = (await f.call('one.vm.allocate', big)) as number;
      await f.settled();
      const second = (await f.call('one.vm.allocate', big)) as number;
      await f.clock.sleep(10_000);
      const waiting = await f.vm(second);
      await f.call('one.vm.action', 'terminate', first);
      await f.settled();
      const placed = await f.vm(second);
      f.stack.stop();
      return { waiting, placed };
    });
    expect(result.waiting.state).toBe(VmState.PENDING);
    expect(getSingle(result.waiting.userTemplate, 'SCHED_MESSAGE')).toMatch(
      /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}: \[HOST\] Not enough CPU on hosts: 0$/,
    );
    expect([result.placed.state, result.placed.lcmState]).toEqual([VmState.ACTIVE, LcmState.RUNNING]);
    expect(getSingle(result.placed.userTemplate, 'SCHED_MESSAGE')).toBeUndefined();
  });

  it('a TM failure ends in PROLOG_FAILURE and a VMM failure in BOOT_FAILURE, with the driver message', async () => {
    const f = stackFixture({
      profile: fast,
      drivers: {
        failTransfer: (r) => (r.vmId === 0 ? 'Error copying image to host00: No space left on device' : undefined),
        failVmm: (r) => (r.vmId === 1 && r.action === 'DEPLOY' ? 'libvirt: domain already exists' : undefined),
      },
    });
    const vms = await f.clock.run(async () => {
      f.stack.start();
      await f.addHosts(1);
      await f.allocate(3, SMALL_VM);
      const settled = await f.settled();
      f.stack.stop();
      return settled;
    });
    const byId = new Map(vms.map((v) => [v.id, v]));
    expect([byId.get(0)!.state, byId.get(0)!.lcmState]).toEqual([VmState.ACTIVE, LcmState.PROLOG_FAILURE]);
    expect(getSingle(byId.get(0)!.userTemplate, 'ERROR')).toMatch(
      /: Error executing image transfer script: Error copying image to host00: No space left on device$/,
    );
    expect([byId.get(1)!.state, byId.get(1)!.lcmState]).toEqual([VmState.ACTIVE, LcmState.BOOT_FAILURE]);
    expect(getSingle(byId.get(1)!.userTemplate, 'ERROR')).toMatch(/^\w{3} .* \d{4}: DEPLOY: libvirt: domain already exists$/);
    expect(byId.get(2)!.lcmState).toBe(LcmState.RUNNING);
    // a failed VM keeps its capacity until it is deleted, then gives it back
    await f.clock.run(async () => {
      await f.call('one.vm.action', 'terminate-hard', 0);
      await f.call('one.vm.action', 'terminate', 1);
    });
    const after = await f.clock.run(() => f.vms());
    expect(after.filter((v) => v.state === VmState.DONE).map((v) => v.id).sort()).toEqual([0, 1]);
    const hostXml = (await f.clock.run(() => f.call('one.host.info', 0))) as string;
    expect(hostXml).toContain('<RUNNING_VMS>1</RUNNING_VMS>');
  });
});
