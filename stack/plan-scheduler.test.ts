import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../sim/virtual-clock.js';
import { PlanScheduler, type PlanKnobs } from './plan-scheduler.js';
import type { CycleResult, SchedulerKnobs } from './scheduler.js';

const KNOBS: SchedulerKnobs = { SCHED_INTERVAL: 5, MAX_VM: 0, MAX_DISPATCH: 30, MAX_HOST: 1, HYPERVISOR_MEM: 0, POLICY: 'striping', RERANK_PER_DISPATCH: false };
const PLANS: PlanKnobs = { SCHED_MAX_WND_TIME: 10, SCHED_MAX_WND_LENGTH: 7, SCHED_RETRY_TIME: 60, MAX_ACTIONS_PER_HOST: 1, MAX_ACTIONS_PER_CLUSTER: 30 };
const host = (id: number) => ({ id, maxCpu: 800, maxMemKiB: 16 << 20, cpuUsage: 0, memUsageKiB: 0, runningVms: 0 });

/** A head node whose deploys take `deployMs` and then settle; it records when each deploy started and on which host. */
function cloud(clock: VirtualClock, pendingIds: number[], hosts: number, deployMs: number, knobs = KNOBS, plans = PLANS) {
  const pending = new Set(pendingIds);
  const started: Array<{ t: number; vmId: number; hostId: number }> = [];
  const cycles: CycleResult[] = [];
  let inFlight = new Map<number, number>();
  let maxPerHost = 0;
  const scheduler: PlanScheduler = new PlanScheduler(
    clock,
    {
      load: async () => ({ vms: [...pending].map((id) => ({ id, cpu: 0.25, memoryMiB: 512 })), hosts: Array.from({ length: hosts }, (_, i) => host(i)) }),
      deploy: async (vmId, hostId) => {
        pending.delete(vmId);
        started.push({ t: clock.now(), vmId, hostId });
        inFlight.set(hostId, (inFlight.get(hostId) ?? 0) + 1);
        maxPerHost = Math.max(maxPerHost, inFlight.get(hostId)!);
        clock.timer(deployMs, () => {
          inFlight.set(hostId, inFlight.get(hostId)! - 1);
          scheduler.settled(vmId);
        });
        return [true, vmId, 0];
      },
      setSchedMessage: () => {},
    },
    knobs,
    plans,
    (c) => cycles.push(c),
  );
  return { scheduler, started, cycles, pending, maxPerHost: () => maxPerHost, reset: () => (inFlight = new Map()) };
}

describe('the 7.x plan scheduler', () => {
  it('asks for a plan at once when more than SCHED_MAX_WND_LENGTH VMs wait; one VM per host per plan, the next plan when this one ends', async () => {
    const clock = new VirtualClock();
    const c = cloud(clock, Array.from({ length: 10 }, (_, i) => i), 4, 3000);
    c.scheduler.start();
    await clock.run(() => clock.sleep(60_000));
    c.scheduler.stop();
    expect(c.started).toHaveLength(10);
    expect(c.cycles.map((x) => x.dispatched.length)).toEqual([4, 4, 2]);
    // the first look, one second in; each next plan the moment the previous one's deploys ended
    expect([...new Set(c.started.map((s) => s.t))]).toEqual([1000, 4000, 7000]);
    expect(c.maxPerHost()).toBe(1);
  });

  it('waits SCHED_MAX_WND_TIME for a window of few VMs', async () => {
    const clock = new VirtualClock();
    const c = cloud(clock, [0, 1, 2], 4, 1000);
    c.scheduler.start();
    await clock.run(() => clock.sleep(30_000));
    c.scheduler.stop();
    expect(c.started.map((s) => s.t)).toEqual([11_000, 11_000, 11_000]);
  });

  it('keeps MAX_ACTIONS_PER_HOST deploys in flight on a host even when the plan gives it more', async () => {
    const clock = new VirtualClock();
    const c = cloud(clock, Array.from({ length: 8 }, (_, i) => i), 2, 2000, { ...KNOBS, MAX_HOST: 4 });
    c.scheduler.start();
    await clock.run(() => clock.sleep(60_000));
    c.scheduler.stop();
    expect(c.cycles[0]!.dispatched).toHaveLength(8);
    expect(c.maxPerHost()).toBe(1);
    expect(c.started.at(-1)!.t).toBe(1000 + 3 * 2000);
  });

  it('takes placeMs plus leftOutMs per VM the plan leaves out before a plan starts (plan-turnaround.ts)', async () => {
    const clock = new VirtualClock();
    const c = cloud(clock, Array.from({ length: 10 }, (_, i) => i), 4, 3000, KNOBS, { ...PLANS, placeMs: 500, leftOutMs: 100 });
    c.scheduler.start();
    await clock.run(() => clock.sleep(60_000));
    c.scheduler.stop();
    expect(c.started).toHaveLength(10);
    // asked at the first look (1 s): 6 VMs left out; the second plan asked when the first ended
    // (its deploys 3 s), 2 left out; the last leaves none out
    const first = 1000 + 500 + 6 * 100;
    const second = first + 3000 + 500 + 2 * 100;
    expect([...new Set(c.started.map((s) => s.t))]).toEqual([first, second, second + 3000 + 500]);
  });

  it('leaves the next plan to the window when VMs became pending while the last one applied, as place_finished does', async () => {
    const clock = new VirtualClock();
    const c = cloud(clock, Array.from({ length: 8 }, (_, i) => i), 4, 3000);
    // two more VMs become pending while the first plan applies
    clock.timer(2500, () => [100, 101].forEach((id) => c.pending.add(id)));
    c.scheduler.start();
    await clock.run(() => clock.sleep(60_000));
    c.scheduler.stop();
    expect(c.started).toHaveLength(10);
    // the first plan at 1 s (8 VMs became pending: 8 >= 7) takes 4; when it ends at 4 s, the two
    // late VMs have opened a window (at the look at 3 s), so the next plan waits for it to last
    // 10 s; the last of the 10 VMs go when that plan ends
    expect([...new Set(c.started.map((s) => s.t))]).toEqual([1000, 13_000, 16_000]);
  });
});
