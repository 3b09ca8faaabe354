import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CyclePlan,
  PlanSlots,
  describeRefusals,
  type CyclePlanOptions,
  type HostRefusal,
  type HostShare,
  type PlacementPolicy,
  type VmDemand,
} from './placement.js';

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

/**
 * mm_sched's dispatch loop written the obvious way, as the plan was before it kept a heap: sort
 * every host before each VM (or once per cycle), walk them in order, try each one that fits.
 */
function referenceCycle(
  hosts: readonly HostShare[],
  vms: readonly VmDemand[],
  options: CyclePlanOptions,
  deployRefused: (vmId: number, hostId: number) => boolean,
): Array<string> {
  const sign = options.policy === 'packing' ? 1 : -1;
  const slots = hosts.map((h) => ({ ...h, usable: h.maxMemKiB * (1 - options.hypervisorMem), dispatched: 0 }));
  const compare = (a: (typeof slots)[number], b: (typeof slots)[number]) => sign * (b.runningVms - a.runningVms) || a.id - b.id;
  let ranked = [...slots].sort(compare);
  const test = (vm: VmDemand, s: (typeof slots)[number]): HostRefusal | undefined => {
    if (s.cpuUsage + Math.round(vm.cpu * 100) > s.maxCpu) return 'cpu';
    if (s.memUsageKiB + vm.memoryMiB * 1024 > s.usable) return 'memory';
    if (s.dispatched >= options.maxHost) return 'dispatch-limit';
    return undefined;
  };
  const log: string[] = [];
  for (const vm of vms) {
    if (options.rerank) ranked = [...ranked].sort(compare);
    const refusals = new Map<number, HostRefusal>();
    let placed = false;
    for (const s of ranked) {
      const refusal = test(vm, s);
      if (refusal) {
        refusals.set(s.id, refusal);
        continue;
      }
      if (deployRefused(vm.id, s.id)) continue;
      s.cpuUsage += Math.round(vm.cpu * 100);
      s.memUsageKiB += vm.memoryMiB * 1024;
      s.runningVms += 1;
      s.dispatched += 1;
      log.push(`${vm.id}->${s.id}`);
      placed = true;
      break;
    }
    if (!placed) log.push(`${vm.id}: ${describeRefusals(refusals)}`);
  }
  return log;
}

/** The same loop as the scheduler drives the plan. */
function planCycle(
  hosts: readonly HostShare[],
  vms: readonly VmDemand[],
  options: CyclePlanOptions,
  deployRefused: (vmId: number, hostId: number) => boolean,
  slots?: PlanSlots,
): Array<string> {
  const plan = new CyclePlan(hosts, options, slots);
  const log: string[] = [];
  for (const vm of vms) {
    let skip: Set<number> | undefined;
    let placed = false;
    for (let hostId = plan.bestFit(vm); hostId !== undefined; hostId = plan.bestFit(vm, skip)) {
      if (deployRefused(vm.id, hostId)) {
        (skip ??= new Set()).add(hostId);
        continue;
      }
      plan.commit(vm, hostId);
      log.push(`${vm.id}->${hostId}`);
      placed = true;
      break;
    }
    if (!placed) log.push(`${vm.id}: ${plan.refusalMessage(vm, skip)}`);
  }
  return log;
}

describe('CyclePlan.bestFit', () => {
  const hostArb = fc.record({
    maxCpu: fc.constantFrom(100, 200, 400, 800, 750.5),
    maxMemKiB: fc.constantFrom(1024 * 1024, 4 * 1024 * 1024, 3_000_000),
    runningVms: fc.integer({ min: 0, max: 4 }),
    usedCpu: fc.integer({ min: 0, max: 400 }),
    usedMemKiB: fc.integer({ min: 0, max: 2 * 1024 * 1024 }),
  });
  const vmArb = fc.record({ cpu: fc.constantFrom(0.25, 0.5, 1, 2, 0.1), memoryMiB: fc.constantFrom(64, 256, 512, 1024, 1500) });
  /** The drawn hosts as the scheduler reads them, their ids their positions. */
  const hostsOf = (specs: ReadonlyArray<{ maxCpu: number; maxMemKiB: number; runningVms: number; usedCpu: number; usedMemKiB: number }>) =>
    specs.map((h, id) => ({ id, maxCpu: h.maxCpu, maxMemKiB: h.maxMemKiB, cpuUsage: h.usedCpu, memUsageKiB: h.usedMemKiB, runningVms: h.runningVms }));

  it('places every VM where sorting all hosts before it would, and gives the same SCHED_MESSAGE when none takes it', () => {
    fc.assert(
      fc.property(
        fc.array(hostArb, { maxLength: 12 }),
        fc.array(vmArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<PlacementPolicy>('striping', 'packing'),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.constantFrom(0, 0.1),
        fc.array(fc.tuple(fc.nat(40), fc.nat(12)), { maxLength: 10 }),
        (hostSpecs, vmSpecs, policy, maxHost, rerank, hypervisorMem, refused) => {
          const hosts = hostsOf(hostSpecs);
          const vms = vmSpecs.map((v, id) => ({ id, ...v }));
          const refusedDeploys = new Set(refused.map(([vm, host]) => `${vm}/${host}`));
          const deployRefused = (vmId: number, hostId: number) => refusedDeploys.has(`${vmId}/${hostId}`);
          const options = { policy, maxHost, rerank, hypervisorMem };
          expect(planCycle(hosts, vms, options, deployRefused)).toEqual(referenceCycle(hosts, vms, options, deployRefused));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('plans a cycle the same on slots a previous cycle over other hosts filled and left', () => {
    fc.assert(
      fc.property(
        fc.array(hostArb, { maxLength: 12 }),
        fc.array(fc.boolean(), { maxLength: 12 }),
        fc.array(vmArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom<PlacementPolicy>('striping', 'packing'),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        (hostSpecs, inFirst, vmSpecs, policy, maxHost, rerank) => {
          const hosts = hostsOf(hostSpecs);
          const vms = vmSpecs.map((v, id) => ({ id, ...v }));
          const options = { policy, maxHost, rerank, hypervisorMem: 0.1 };
          const never = () => false;
          const slots = new PlanSlots();
          // the first cycle sees some hosts, dispatches onto them; the second sees them all
          planCycle(
            hosts.filter((_, i) => inFirst[i]),
            vms,
            options,
            never,
            slots,
          );
          expect(planCycle(hosts, vms, options, never, slots)).toEqual(referenceCycle(hosts, vms, options, never));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('knows no host of an earlier cycle that this cycle did not read', () => {
    const slots = new PlanSlots();
    const options = { policy: 'striping' as const, maxHost: 10, hypervisorMem: 0 };
    new CyclePlan([host(0), host(1)], options, slots);
    const plan = new CyclePlan([host(1)], options, slots);
    expect(() => plan.test({ id: 1, cpu: 0.5, memoryMiB: 64 }, 0)).toThrow('host 0 is not part of this scheduling cycle');
    expect(plan.bestFit({ id: 1, cpu: 0.5, memoryMiB: 64 })).toBe(1);
  });

  it('keeps a host that refused a big VM for a smaller one later in the cycle', () => {
    const plan = new CyclePlan([host(0, 0, { cpuUsage: 700 }), host(1, 2)], { policy: 'striping', maxHost: 10, hypervisorMem: 0 });
    expect(plan.bestFit({ id: 1, cpu: 2, memoryMiB: 64 })).toBe(1);
    expect(plan.bestFit({ id: 2, cpu: 1, memoryMiB: 64 })).toBe(0);
  });

  it('answers a full cloud with the reasons of every host, and an empty one with "No existing hosts"', () => {
    const plan = new CyclePlan([host(0, 8), host(1, 0, { maxMemKiB: 1024 })], { policy: 'striping', maxHost: 10, hypervisorMem: 0 });
    const vm = { id: 1, cpu: 0.5, memoryMiB: 64 };
    expect(plan.bestFit(vm)).toBeUndefined();
    expect(plan.refusalMessage(vm)).toBe('[HOST] Not enough CPU on hosts: 0 [HOST] Not enough MEMORY on hosts: 1');
    expect(plan.refusalMessage({ id: 2, cpu: 0.5, memoryMiB: 64 })).toBe(plan.refusalMessage(vm));
    expect(new CyclePlan([], { policy: 'packing', maxHost: 1, hypervisorMem: 0 }).refusalMessage(vm)).toBe('[HOST] No existing hosts');
  });

  it('words the message anew once a dispatch has changed a host', () => {
    const plan = new CyclePlan([host(0, 0, { maxCpu: 100, cpuUsage: 0, maxMemKiB: 1024 * 1024, memUsageKiB: 0 })], {
      policy: 'striping',
      maxHost: 10,
      hypervisorMem: 0,
    });
    const big = { id: 1, cpu: 0.5, memoryMiB: 2000 };
    expect(plan.bestFit(big)).toBeUndefined();
    expect(plan.refusalMessage(big)).toBe('[HOST] Not enough MEMORY on hosts: 0');
    const small = { id: 2, cpu: 0.75, memoryMiB: 64 };
    expect(plan.bestFit(small)).toBe(0);
    plan.commit(small, 0);
    expect(plan.refusalMessage({ ...big, id: 3 })).toBe('[HOST] Not enough CPU on hosts: 0');
  });
});
