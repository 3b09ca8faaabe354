import { describe, expect, it } from 'vitest';
import { CyclePlan, describeRefusals, type HostShare } from './placement.js';

const host = (id: number, runningVms = 0, over: Partial<HostShare> = {}): HostShare => ({
  id,
  maxCpu: 800,
  maxMemKiB: 24 * 1024 * 1024,
  cpuUsage: runningVms * 100,
  memUsageKiB: runningVms * 1024 * 1024,
  runningVms,
  ...over,
});

describe('CyclePlan', () => {
  it('ranks emptiest first when striping and fullest first when packing, ties by host id', () => {
    const hosts = [host(0, 3), host(1, 1), host(2, 3), host(3, 0)];
    expect(new CyclePlan(hosts, { policy: 'striping', maxHost: 1, hypervisorMem: 0 }).order).toEqual([3, 1, 0, 2]);
    expect(new CyclePlan(hosts, { policy: 'packing', maxHost: 1, hypervisorMem: 0 }).order).toEqual([0, 2, 1, 3]);
  });

  it('keeps the ranking of the cycle while dispatches fill hosts, as mm_sched does', () => {
    const plan = new CyclePlan([host(0), host(1)], { policy: 'striping', maxHost: 10, hypervisorMem: 0 });
    plan.commit({ id: 1, cpu: 1, memoryMiB: 1024 }, 0);
    expect(plan.order).toEqual([0, 1]);
  });

  it('ranks again before every VM when asked to, so striping spreads a cycle over the hosts', () => {
    const plan = new CyclePlan([host(0), host(1), host(2)], { policy: 'striping', maxHost: 10, hypervisorMem: 0, rerank: true });
    const placed: number[] = [];
    for (let id = 0; id < 6; id += 1) {
      const target = plan.order[0]!;
      plan.commit({ id, cpu: 0.5, memoryMiB: 64 }, target);
      placed.push(target);
    }
    expect(placed).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('refuses a host for CPU (in percent of a core), then memory net of the hypervisor share, then the dispatch limit', () => {
    const plan = new CyclePlan([host(0, 0, { cpuUsage: 760 }), host(1, 0, { maxMemKiB: 1024 * 1024 }), host(2)], {
      policy: 'striping',
      maxHost: 1,
      hypervisorMem: 0.1,
    });
    const vm = { id: 7, cpu: 0.5, memoryMiB: 1000 };
    expect(plan.test(vm, 0)).toBe('cpu');
    expect(plan.test({ id: 8, cpu: 0.4, memoryMiB: 1 }, 0)).toBeUndefined(); // 760 + 40 = 800: fits exactly
    // 1000 MiB fits in 1 GiB but not in the 90% of it the scheduler may use
    expect(plan.test(vm, 1)).toBe('memory');
    expect(plan.test(vm, 2)).toBeUndefined();
    plan.commit(vm, 2);
    expect(plan.test(vm, 2)).toBe('dispatch-limit');
  });

  it('counts what earlier dispatches of the cycle took', () => {
    const plan = new CyclePlan([host(0)], { policy: 'packing', maxHost: 100, hypervisorMem: 0 });
    const vm = { id: 1, cpu: 2, memoryMiB: 512 };
    for (let i = 0; i < 4; i += 1) {
      expect(plan.test(vm, 0)).toBeUndefined();
      plan.commit(vm, 0);
    }
    expect(plan.test(vm, 0)).toBe('cpu');
  });
});

describe('describeRefusals', () => {
  it('groups hosts by reason in the 7.x scheduler words', () => {
    const text = describeRefusals(
      new Map([
        [3, 'memory'],
        [1, 'cpu'],
        [0, 'cpu'],
        [2, 'dispatch-limit'],
      ] as const),
    );
    expect(text).toBe(
      '[HOST] Not enough CPU on hosts: 0,1 [HOST] Not enough MEMORY on hosts: 3 [HOST] Dispatch limit reached on hosts: 2',
    );
    expect(describeRefusals(new Map())).toBe('[HOST] No existing hosts');
  });
});
