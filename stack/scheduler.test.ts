import { describe, expect, it } from 'vitest';
import { ok, fail, ErrorCode } from '../opennebula/errors.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import type { HostShare, VmDemand } from './placement.js';
import { Scheduler, type CycleResult, type SchedulerKnobs, type SchedulerSource } from './scheduler.js';

const KNOBS_4_4: SchedulerKnobs = {
  SCHED_INTERVAL: 30,
  MAX_VM: 5000,
  MAX_DISPATCH: 30,
  MAX_HOST: 1,
  HYPERVISOR_MEM: 0.1,
  POLICY: 'striping',
  RERANK_PER_DISPATCH: false,
};

/** A head node reduced to what the scheduler sees: pending VMs leave the queue when deployed. */
function fakeSource(vmCount: number, hostCount: number) {
  const pending = new Map<number, VmDemand>();
  for (let id = 0; id < vmCount; id += 1) pending.set(id, { id, cpu: 0.25, memoryMiB: 512 });
  const hosts: HostShare[] = Array.from({ length: hostCount }, (_, id) => ({
    id,
    maxCpu: 800,
    maxMemKiB: 24 * 1024 * 1024,
    cpuUsage: 0,
    memUsageKiB: 0,
    runningVms: 0,
  }));
  const messages = new Map<number, string>();
  const source: SchedulerSource = {
    load: async (maxVm) => ({
      vms: [...pending.values()].slice(0, maxVm || undefined),
      hosts: hosts.map((h) => ({ ...h })),
    }),
    deploy: async (vmId, hostId) => {
      const vm = pending.get(vmId);
      if (!vm) return fail('one.vm.deploy', 'gone', ErrorCode.ACTION);
      pending.delete(vmId);
      const h = hosts[hostId]!;
      h.cpuUsage += vm.cpu * 100;
      h.memUsageKiB += vm.memoryMiB * 1024;
      h.runningVms += 1;
      return ok(vmId);
    },
    setSchedMessage: (vmId, message) => messages.set(vmId, message),
  };
  return { source, pending, hosts, messages };
}

async function runUntilEmpty(knobs: SchedulerKnobs, oneVmPerHost: boolean, vmCount = 512, hostCount = 16) {
  const clock = new VirtualClock();
  const { source, pending } = fakeSource(vmCount, hostCount);
  const cycles: CycleResult[] = [];
  const scheduler = new Scheduler(clock, source, knobs, { oneVmPerHost, onCycle: (r) => cycles.push(r) });
  await clock.run(async () => {
    scheduler.start();
    while (pending.size > 0) await clock.sleep(1000);
    scheduler.stop();
  });
  return cycles.filter((c) => c.dispatched.length > 0);
}

describe('Scheduler', () => {
  it('4.4 limits: 512 VMs on 16 hosts take exactly 32 cycles of 16, one per host, every 30 s', async () => {
    const busy = await runUntilEmpty(KNOBS_4_4, true);
    expect(busy).toHaveLength(32);
    expect(busy.every((c) => c.dispatched.length === 16)).toBe(true);
    expect(busy.every((c) => new Set(c.dispatched.map((d) => d.hostId)).size === 16)).toBe(true);
    expect(busy.map((c) => c.at)).toEqual(Array.from({ length: 32 }, (_, k) => (k + 1) * 30_000));
  });

  it('with MAX_HOST 1024 and the pathology off, MAX_DISPATCH is the only limit: 18 cycles', async () => {
    const busy = await runUntilEmpty({ ...KNOBS_4_4, MAX_HOST: 1024 }, false);
    expect(busy).toHaveLength(Math.ceil(512 / 30));
    expect(busy[0]!.dispatched).toHaveLength(30);
  });

  it('sched-ignores-max-host keeps one VM per host per cycle whatever MAX_HOST says', async () => {
    const busy = await runUntilEmpty({ ...KNOBS_4_4, MAX_HOST: 1024 }, true);
    expect(busy).toHaveLength(32);
  });

  it('places everything in one cycle when nothing limits it', async () => {
    const busy = await runUntilEmpty({ ...KNOBS_4_4, SCHED_INTERVAL: 1, MAX_DISPATCH: 0, MAX_HOST: 1024 }, false);
    expect(busy).toHaveLength(1);
    // static striping ranks fill host 0 first: 32 VMs of CPU 0.25 fill its 8 cores
    expect(busy[0]!.dispatched.filter((d) => d.hostId === 0)).toHaveLength(32);
  });

  it('with RERANK_PER_DISPATCH a burst smaller than the farm lands one VM per host', async () => {
    const knobs = { ...KNOBS_4_4, SCHED_INTERVAL: 1, MAX_DISPATCH: 0, MAX_HOST: 1024 };
    const stacked = await runUntilEmpty(knobs, false, 32, 16);
    expect(new Set(stacked[0]!.dispatched.map((d) => d.hostId))).toEqual(new Set([0]));
    const spread = await runUntilEmpty({ ...knobs, RERANK_PER_DISPATCH: true }, false, 32, 16);
    const perHost = new Map<number, number>();
    for (const d of spread[0]!.dispatched) perHost.set(d.hostId, (perHost.get(d.hostId) ?? 0) + 1);
    expect([...perHost.values()]).toEqual(Array(16).fill(2));
  });

  it('considers at most MAX_VM pending VMs per cycle', async () => {
    const busy = await runUntilEmpty({ ...KNOBS_4_4, MAX_VM: 5, MAX_HOST: 1024 }, false, 20, 4);
    expect(busy.map((c) => c.considered)).toEqual([5, 5, 5, 5]);
  });

  it('leaves a VM no host can take with a message saying why, and tries the next host when a deploy is refused', async () => {
    const clock = new VirtualClock();
    const { source, messages } = fakeSource(0, 2);
    const big = { id: 9, cpu: 16, memoryMiB: 512 };
    const refusedFirst = { id: 10, cpu: 1, memoryMiB: 512 };
    const deployed: Array<[number, number]> = [];
    const scheduler = new Scheduler(
      clock,
      {
        ...source,
        load: async () => ({ vms: [big, refusedFirst], hosts: (await source.load(0)).hosts }),
        deploy: async (vmId, hostId) => {
          if (vmId === 10 && hostId === 0) return fail('one.vm.deploy', 'busy', ErrorCode.ACTION);
          deployed.push([vmId, hostId]);
          return ok(vmId);
        },
      },
      KNOBS_4_4,
      { oneVmPerHost: true },
    );
    const result = await clock.run(() => scheduler.cycle());
    expect(result.unplaced).toEqual([9]);
    expect(messages.get(9)).toBe('[HOST] Not enough CPU on hosts: 0,1');
    expect(deployed).toEqual([[10, 1]]);
  });

  it('starts a cycle SCHED_INTERVAL after the previous one ended, so slow deploys lengthen the period', async () => {
    const clock = new VirtualClock();
    const { source } = fakeSource(64, 16);
    const slow: SchedulerSource = { ...source, deploy: async (vmId, hostId) => (await clock.sleep(500), source.deploy(vmId, hostId)) };
    const starts: number[] = [];
    const scheduler = new Scheduler(clock, slow, KNOBS_4_4, { oneVmPerHost: true, onCycle: (r) => starts.push(r.at) });
    await clock.run(async () => {
      scheduler.start();
      await clock.sleep(200_000);
      scheduler.stop();
    });
    // 16 deploys of 0.5 s each: a dispatching cycle lasts 8 s, so the next starts 38 s after it
    expect(starts.slice(0, 5)).toEqual([30_000, 68_000, 106_000, 144_000, 182_000]);
  });

  it('stops: no cycle runs after stop()', async () => {
    const clock = new VirtualClock();
    const { source } = fakeSource(1, 1);
    let cycles = 0;
    const scheduler = new Scheduler(clock, source, KNOBS_4_4, { oneVmPerHost: true, onCycle: () => (cycles += 1) });
    await clock.run(async () => {
      scheduler.start();
      await clock.sleep(65_000);
      scheduler.stop();
    });
    expect(cycles).toBe(2);
    expect(clock.pending()).toBe(0);
  });
});
