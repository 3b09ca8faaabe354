/**
 * How fast the host farm emulates, in wall time: 100,000 guest boots on 10,000 hosts in virtual
 * time, driving the farm's drivers directly (TM prolog, VMM deploy, then waiting for every
 * NET-MSG), plus the one contention primitive alone with 100,000 concurrent consumers.
 *
 *   npx tsx bench/farm.ts [--vms N] [--hosts N] [--transport ssh|persistent] [--direct-io]
 *
 * Prints wall time, peak RSS (process.resourceUsage().maxRSS) and farm events per wall second.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HostFarm, uniformHosts } from '../adapters/index.js';
import type { DeploymentVm } from '../opennebula/driver.js';
import { Random } from '../sim/random.js';
import { SharedResource } from '../sim/shared-resource.js';
import { TimerHeap } from '../sim/timer-heap.js';
import { VirtualClock } from '../sim/virtual-clock.js';

const { values } = parseArgs({
  options: {
    vms: { type: 'string', default: '100000' },
    hosts: { type: 'string', default: '10000' },
    transport: { type: 'string', default: 'persistent' },
    'direct-io': { type: 'boolean', default: false },
  },
});
const VMS = Number(values.vms);
const HOSTS = Number(values.hosts);
const transport = values.transport === 'ssh' ? 'ssh' : 'persistent';
const cache = values['direct-io'] ? 'none' : 'default';

const mb = (kib: number): string => `${(kib / 1024).toFixed(0)} MB`;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function farmBench(): Promise<void> {
  const clock = new VirtualClock();
  let events = 0;
  let up = 0;
  const hosts = uniformHosts(HOSTS, { cores: 8, memoryMiB: 24_576 });
  const farm = new HostFarm({
    clock,
    random: new Random(1),
    hosts,
    onEvent: () => void (events += 1),
    onNetMsg: () => void (up += 1),
  });
  const drivers = farm.launcher({ transport });
  const image = '/var/lib/one/datastores/1/6f1c3ad0b5e1';

  const start = performance.now();
  const cpu0 = process.cpuUsage();
  await clock.run(async () => {
    const all: Promise<unknown>[] = [];
    for (let id = 0; id < VMS; id += 1) {
      const host = hosts[id % HOSTS]!.name;
      const vm: DeploymentVm = {
        id,
        name: `vm-${id}`,
        cpu: 0.25,
        vcpu: 1,
        memoryMiB: 512,
        disks: [{ diskId: 0, type: 'file', source: image, format: 'qcow2', sizeMiB: 2048, cache }],
      };
      all.push(
        drivers.tm
          .transfer({
            vmId: id,
            op: 'prolog',
            lines: [`CLONE qcow2 frontend:${image} ${host}:/var/lib/one/datastores/0/${id}/disk.0 ${id} 1`],
          })
          .then(() => drivers.vmm.execute({ action: 'DEPLOY', vmId: id, host, deployId: '', vm })),
      );
    }
    await Promise.all(all);
    // Deploys have answered; wait for the guests, checking once per emulated minute.
    while (up < VMS) await clock.sleep(60_000);
  });
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const s = farm.instrument.summary();
  console.log(`farm: ${fmt(VMS)} guest boots on ${fmt(HOSTS)} hosts (${transport}, ${cache === 'none' ? 'direct-io' : 'page cache'})`);
  // CPU time beside wall time: on a shared machine the wall clock also measures the neighbours.
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `  wall ${(wall / 1000).toFixed(2)} s (process CPU ${cpuS.toFixed(2)} s, GC threads included), ` +
      `emulated ${(clock.now() / 1000).toFixed(0)} s, ${fmt(clock.lag().timers)} clock turns`,
  );
  console.log(`  ${fmt(events)} farm events, ${fmt(events / (wall / 1000))} events per wall second; ${fmt(up)} NET-MSGs`);
  console.log(`  peaks in flight: tm ${s.peakInFlight.tm}, vmm ${s.peakInFlight.vmm}, boot ${s.peakInFlight.boot}; store served ${fmt(s.storeServedMB)} MB`);
  console.log(`  peak RSS ${mb(process.resourceUsage().maxRSS)}`);
}

async function resourceBench(): Promise<void> {
  // One image store with 100,000 readers at once, arriving over 10 s, three cap classes.
  const n = 100_000;
  const virtual = new VirtualClock();
  const clock = new TimerHeap(virtual); // arrivals as cheap timers: measure the resource, not the clock
  const store = new SharedResource(clock, 1250, { name: 'image store' });
  const caps = [100, 200, Infinity];
  const start = performance.now();
  await virtual.run(async () => {
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < n; i += 1) {
      clock.timer((i * 10_000) / n, () => void all.push(store.consume(50 + (i % 100), { maxRate: caps[i % 3] })));
    }
    await clock.sleep(10_000);
    await Promise.all(all);
  });
  const wall = performance.now() - start;
  console.log(`shared resource: ${fmt(n)} concurrent consumers, ${fmt(2 * n)} joins and leaves`);
  console.log(
    `  wall ${(wall / 1000).toFixed(2)} s (${((wall * 1000) / (2 * n)).toFixed(1)} µs per join or leave, clock turns included), ` +
      `emulated ${(clock.now() / 1000).toFixed(0)} s, served ${fmt(store.served)} MB`,
  );
}

// The farm first: maxRSS is the process's peak so far, and the farm's is the figure that matters.
await farmBench();
await resourceBench();
