import { describe, expect, it } from 'vitest';
import { monitorText, type DeploymentVm, type Drivers, type MadReply } from '../opennebula/driver.js';
import { TRANSFER_ACTIONS } from '../opennebula/transfer-file.js';
import { Random, fixed, uniform } from '../sim/random.js';
import { VirtualClock, VirtualClockStalled } from '../sim/virtual-clock.js';
import type { FarmEvent, NetMsg } from './farm-events.js';
import type { FaultPlanInput } from './faults.js';
import { FarmConfigError, HostFarm, type HostFarmOptions } from './host-farm.js';
import { uniformHosts } from './host.js';
import { TM_VERBS, type LatencyModelInput } from './latency-model.js';

// ------------------------------------------------------------------------------ helpers

/**
 * Every latency fixed, so a test can compute the answer by hand; the load-dependent parts (a
 * deploy's and an SSH set-up's CPU on the host, the boot's waits and writes) off unless a test
 * switches them on.
 */
const FIXED: LatencyModelInput = {
  tm: { clone: fixed(500), ln: fixed(200), mkimage: fixed(800), context: fixed(300), delete: fixed(100) },
  vmm: { deploy: fixed(1000), deployCpu: fixed(0), shutdown: fixed(2000), cancel: fixed(300) },
  im: { monitor: fixed(100) },
  guest: { bootCpu: fixed(10), bootWait: fixed(0), bootReadMB: fixed(100), bootWriteMB: fixed(0), readMaxMBps: 100, network: fixed(1000) },
  ssh: { cpu: fixed(0.05), hostCpu: fixed(0), latency: fixed(100), tmConnections: 1 },
  unreachableMs: fixed(3000),
};

interface Rig {
  clock: VirtualClock;
  farm: HostFarm;
  drivers: Drivers;
  events: FarmEvent[];
  netMsgs: NetMsg[];
}

function rig(options: Partial<HostFarmOptions> & { seed?: number; transport?: 'ssh' | 'persistent' } = {}): Rig {
  const clock = new VirtualClock();
  const events: FarmEvent[] = [];
  const netMsgs: NetMsg[] = [];
  const farm = new HostFarm({
    clock,
    random: new Random(options.seed ?? 1),
    hosts: uniformHosts(4, { cores: 8, memoryMiB: 24_576 }),
    latency: FIXED,
    onEvent: (e) => events.push(e),
    onNetMsg: (m) => netMsgs.push(m),
    ...options,
  });
  return { clock, farm, drivers: farm.launcher({ transport: options.transport ?? 'persistent' }), events, netMsgs };
}

interface VmShape {
  memoryMiB?: number;
  vcpu?: number;
  cache?: DeploymentVm['disks'][number]['cache'];
  image?: string;
}

const IMAGE = '/var/lib/one/datastores/1/0a1b2c';

function vmOf(id: number, shape: VmShape = {}): DeploymentVm {
  return {
    id,
    name: `vm-${id}`,
    cpu: 0.25,
    vcpu: shape.vcpu ?? 1,
    memoryMiB: shape.memoryMiB ?? 512,
    disks: [{ diskId: 0, type: 'file', source: shape.image ?? IMAGE, format: 'qcow2', sizeMiB: 2048, cache: shape.cache ?? 'default' }],
  };
}

const cloneLine = (id: number, host: string, image = IMAGE): string =>
  `CLONE qcow2 frontend:${image} ${host}:/var/lib/one/datastores/0/${id}/disk.0 ${id} 1`;

/** PROLOG then DEPLOY, as the stack sends them; the TM reply and, if it got that far, the VMM reply. */
async function deploy(d: Drivers, id: number, host: string, shape: VmShape = {}): Promise<{ tm: MadReply; vmm?: MadReply }> {
  const tm = await d.tm.transfer({ vmId: id, op: 'prolog', lines: [cloneLine(id, host, shape.image)] });
  if (tm.result === 'FAILURE') return { tm };
  const vmm = await d.vmm.execute({ action: 'DEPLOY', vmId: id, host, deployId: '', vm: vmOf(id, shape) });
  return { tm, vmm };
}

/** Resolves once every VM in `ids` has sent its NET-MSG or failed somewhere on the way. */
function settledAll(r: Rig, ids: number[]): Promise<void> {
  const pending = new Set(ids);
  return new Promise((resolve) => {
    const check = (): void => {
      for (const e of r.events.splice(0)) {
        seen.push(e);
        if (e.vmId === undefined || !pending.has(e.vmId)) continue;
        const gaveUp = (e.type === 'tm.end' || e.type === 'vmm.end' || e.type === 'boot.end') && e.result === 'FAILURE';
        if (e.type === 'net-msg' || gaveUp) pending.delete(e.vmId);
      }
      if (pending.size === 0) {
        r.events.push(...seen);
        resolve();
      } else r.clock.timer(1000, check);
    };
    const seen: FarmEvent[] = [];
    check();
  });
}

const between = (events: FarmEvent[], vmId: number, from: FarmEvent['type'], to: FarmEvent['type']): number => {
  const a = events.find((e) => e.vmId === vmId && e.type === from)!;
  const b = events.find((e) => e.vmId === vmId && e.type === to)!;
  return b.t - a.t;
};

// ------------------------------------------------------------------------------ determinism

describe('HostFarm: seeds and streams', () => {
  /** 60 VMs on 6 hosts with the default (random) latencies, ssh, and a few random faults. */
  async function burst(seed: number, extraHost = false): Promise<FarmEvent[]> {
    const hosts = uniformHosts(6, { cores: 8, memoryMiB: 24_576 });
    // An extra host first in the list: nothing may be drawn by position.
    if (extraHost) hosts.unshift({ name: 'host-00', cores: 8, memoryMiB: 24_576 });
    const r = rig({
      seed,
      hosts,
      latency: {},
      transport: 'ssh',
      faults: { operations: { 'tm.*': { failRate: 0.05 }, 'guest.boot': { failRate: 0.05 } } },
    });
    const ids = Array.from({ length: 60 }, (_, i) => i);
    await r.clock.run(async () => {
      for (const id of ids) void deploy(r.drivers, id, `host-0${(id % 6) + 1}`);
      await settledAll(r, ids);
    });
    return r.events;
  }

  it('gives an identical event list for the same seed, and a different one for another seed', async () => {
    const a = await burst(1);
    const b = await burst(1);
    const c = await burst(2);
    expect(a.length).toBeGreaterThan(400);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    expect(a.some((e) => e.type === 'fault')).toBe(true);
  });

  it('leaves the other hosts and their VMs untouched when a host is added', async () => {
    const six = await burst(5);
    const seven = await burst(5, true); // host-00 comes first, but the same VMs go to host-01..06
    expect(JSON.stringify(seven)).toBe(JSON.stringify(six));

    const slowdowns = (extra: boolean): Map<string, number> => {
      const hosts = uniformHosts(16, { cores: 8, memoryMiB: 1024 });
      if (extra) hosts.splice(8, 0, { name: 'host-08b', cores: 8, memoryMiB: 1024 });
      const { farm } = rig({ hosts, latency: { hostSlowdown: uniform(0.5, 1.5) } });
      return new Map(farm.hostNames.map((h) => [h, farm.host(h)!.slow]));
    };
    const before = slowdowns(false);
    const after = slowdowns(true);
    expect(new Set(before.values()).size).toBe(16); // really drawn
    after.delete('host-08b');
    expect(after).toEqual(before);
  });

  it('draws a VM’s latencies from its own streams, whichever host it lands on', async () => {
    const cloneTime = async (host: string): Promise<number> => {
      const r = rig({ latency: {} });
      await r.clock.run(() => deploy(r.drivers, 7, host));
      return between(r.events, 7, 'tm.start', 'tm.end');
    };
    const t1 = await cloneTime('host-01');
    expect(await cloneTime('host-03')).toBe(t1);
    expect(t1).not.toBe(500); // drawn, not the median
  });
});

// ------------------------------------------------------------------------------ memory, CPU, store

describe('HostFarm: limits and shared resources', () => {
  it('fails a deploy beyond free memory as libvirt would, and returns memory on cancel and shutdown', async () => {
    const r = rig({ hosts: [{ name: 'small', cores: 4, memoryMiB: 1024 }] });
    const { vmm } = r.drivers;
    await r.clock.run(async () => {
      expect((await deploy(r.drivers, 1, 'small')).vmm?.result).toBe('SUCCESS');
      expect((await deploy(r.drivers, 2, 'small')).vmm?.result).toBe('SUCCESS');
      expect(r.farm.host('small')!.usedMemoryMiB).toBe(1024);
      const third = await deploy(r.drivers, 3, 'small');
      expect(third.vmm).toEqual({
        action: 'DEPLOY',
        result: 'FAILURE',
        id: 3,
        info:
          "Could not create domain from /var/lib/one//datastores/0/3/deployment.0: internal error: process exited while connecting to monitor: cannot set up guest memory 'pc.ram': Cannot allocate memory (small: 512 MiB asked, 0 MiB free of 1024 MiB)",
      });
      expect(r.farm.host('small')!.usedMemoryMiB).toBe(1024); // the failed deploy holds nothing
      expect(await vmm.execute({ action: 'CANCEL', vmId: 1, host: 'small', deployId: 'one-1', vm: vmOf(1) })).toEqual({
        action: 'CANCEL',
        result: 'SUCCESS',
        id: 1,
        info: '-',
      });
      expect(r.farm.host('small')!.usedMemoryMiB).toBe(512);
      expect((await deploy(r.drivers, 3, 'small')).vmm?.result).toBe('SUCCESS');
      await vmm.execute({ action: 'SHUTDOWN', vmId: 2, host: 'small', deployId: 'one-2', vm: vmOf(2) });
      await vmm.execute({ action: 'SHUTDOWN', vmId: 3, host: 'small', deployId: 'one-3', vm: vmOf(3) });
    });
    expect(r.farm.host('small')).toMatchObject({ usedMemoryMiB: 0, peakMemoryMiB: 1024, vms: [] });
    expect(r.farm.instrument.peakMemoryMiB('small')).toBe(1024);
  });

  it('answers SHUTDOWN of an unknown domain and a second DEPLOY of a running one with libvirt’s complaint', async () => {
    const r = rig();
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-01');
      const again = await r.drivers.vmm.execute({ action: 'DEPLOY', vmId: 1, host: 'host-01', deployId: '', vm: vmOf(1) });
      expect(again.info).toBe("operation failed: domain 'one-1' already exists on host-01");
      const wrongHost = await r.drivers.vmm.execute({ action: 'SHUTDOWN', vmId: 1, host: 'host-02', deployId: 'one-1', vm: vmOf(1) });
      expect(wrongHost).toMatchObject({
        result: 'FAILURE',
        info: "failed to get domain 'one-1': Domain not found: no domain with matching name 'one-1' on host-02",
      });
    });
  });

  it('shares a host’s CPU among booting guests, each at most its vcpus', async () => {
    // 16 one-vcpu guests of 10 core-seconds on 8 cores: 2 s of CPU each at half a core: 20 s.
    const r = rig({ hosts: [{ name: 'h', cores: 8, memoryMiB: 65_536 }], latency: { ...FIXED, guest: { ...FIXED.guest, bootReadMB: fixed(0) } } });
    const ids = Array.from({ length: 16 }, (_, i) => i);
    await r.clock.run(async () => {
      await Promise.all(ids.map((id) => r.drivers.vmm.execute({ action: 'DEPLOY', vmId: id, host: 'h', deployId: '', vm: vmOf(id) })));
      await settledAll(r, ids);
    });
    for (const id of ids) expect(between(r.events, id, 'boot.start', 'boot.end')).toBeCloseTo(20_000 + 1000, 6);
    expect(r.farm.instrument.inFlight('boot', 'h').peak).toBe(16);

    // Alone with 2 vcpus: 10 core-seconds in 5 s.
    const solo = rig({ latency: { ...FIXED, guest: { ...FIXED.guest, bootReadMB: fixed(0) } } });
    await solo.clock.run(async () => {
      await solo.drivers.vmm.execute({ action: 'DEPLOY', vmId: 1, host: 'host-01', deployId: '', vm: vmOf(1, { vcpu: 2 }) });
      await settledAll(solo, [1]);
    });
    expect(between(solo.events, 1, 'boot.start', 'net-msg')).toBeCloseTo(5000 + 1000, 6);
  });

  it('reports what a host really uses through MONITOR', async () => {
    const r = rig({ latency: { ...FIXED, guest: { ...FIXED.guest, bootReadMB: fixed(0) } } });
    await r.clock.run(async () => {
      for (const id of [1, 2, 3]) await r.drivers.vmm.execute({ action: 'DEPLOY', vmId: id, host: 'host-02', deployId: '', vm: vmOf(id, { vcpu: 2 }) });
      const reply = await r.drivers.im.monitor({ hostId: 1, hostname: 'host-02' });
      expect(reply.result).toBe('SUCCESS');
      expect(reply.info.split('\n')).toEqual([
        'HYPERVISOR=dummy',
        'HOSTNAME=host-02',
        'ARCH=x86_64',
        'MODELNAME="Stampede emulated host"',
        'CPUSPEED=2200',
        'TOTALCPU=800',
        'USEDCPU=600', // three guests booting at 2 vcpus each
        'FREECPU=200',
        'TOTALMEMORY=25165824',
        'USEDMEMORY=1572864',
        'FREEMEMORY=23592960',
        'NETRX=0',
        'NETTX=0',
      ]);
      // in process the same answer travels as values too, which read as that text does
      expect(reply.values).toMatchObject({ MODELNAME: 'Stampede emulated host', USEDCPU: '600', FREEMEMORY: '23592960' });
      expect(monitorText(reply.values!)).toBe(reply.info);
      const unknown = await r.drivers.im.monitor({ hostId: 9, hostname: 'nowhere' });
      expect(unknown).toEqual({ action: 'MONITOR', result: 'FAILURE', id: 9, info: 'ssh: Could not resolve hostname nowhere: Name or service not known' });

      // nothing changed on the host: the same report again; a fourth guest moves it
      expect((await r.drivers.im.monitor({ hostId: 1, hostname: 'host-02' })).info).toBe(reply.info);
      await r.drivers.vmm.execute({ action: 'DEPLOY', vmId: 4, host: 'host-02', deployId: '', vm: vmOf(4, { vcpu: 2 }) });
      const moved = await r.drivers.im.monitor({ hostId: 1, hostname: 'host-02' });
      expect(moved.values).toMatchObject({ USEDCPU: '800', FREECPU: '0', USEDMEMORY: '2097152' });
      expect(monitorText(moved.values!)).toBe(moved.info);
    });
  });

  it('direct-io makes the store serve N x set; the page cache hosts x set, shared by concurrent boots', async () => {
    const served = async (cache: 'none' | 'default', waves: number): Promise<number> => {
      const r = rig(); // 4 hosts, 100 MB working set
      let id = 0;
      await r.clock.run(async () => {
        for (let w = 0; w < waves; w += 1) {
          const ids = Array.from({ length: 20 }, () => id++);
          await Promise.all(ids.map((i) => deploy(r.drivers, i, `host-0${(i % 4) + 1}`, { cache })));
          await settledAll(r, ids);
        }
      });
      expect(r.netMsgs).toHaveLength(20 * waves);
      return r.farm.instrument.storeServedMB;
    };
    expect(await served('none', 1)).toBeCloseTo(20 * 100, 9);
    expect(await served('default', 1)).toBeCloseTo(4 * 100, 9);
    // A second wave finds the image cached: nothing more is read.
    expect(await served('default', 2)).toBeCloseTo(4 * 100, 9);
    expect(await served('none', 2)).toBeCloseTo(40 * 100, 9);
  });

  it('the store serves as many requests at once as it has nfsd threads: fewer threads, slower direct-io boots', async () => {
    // 32 cache=none boots on 4 hosts read 100 MB each, more than the readers' own pace (one request
    // in flight each) could take; CPU and the rest take no time, so the last boot ends when the
    // store has served 3,200 MB at what its threads can do
    const lastUp = async (threads: number): Promise<number> => {
      const r = rig({ store: { threads }, latency: { ...FIXED, guest: { ...FIXED.guest, bootCpu: fixed(0), network: fixed(0) } } });
      const ids = Array.from({ length: 32 }, (_, i) => i);
      await r.clock.run(async () => {
        await Promise.all(ids.map((i) => deploy(r.drivers, i, `host-0${(i % 4) + 1}`, { cache: 'none' })));
        await settledAll(r, ids);
      });
      return Math.max(...r.events.filter((e) => e.type === 'boot.end').map((e) => e.t)) - 1500; // after prolog and deploy
    };
    const mbps = (threads: number): number => (threads * 32) / 1024 / 0.0003;
    expect(await lastUp(8)).toBeCloseTo((3200 / mbps(8)) * 1000, 0);
    expect(await lastUp(2)).toBeCloseTo((3200 / mbps(2)) * 1000, 0);
  });

  it('a cache=none boot keeps one request in flight: alone, it reads at request size over round trip plus service', async () => {
    const r = rig({ latency: { ...FIXED, guest: { ...FIXED.guest, bootCpu: fixed(0), network: fixed(0) } } });
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-01', { cache: 'none' });
      await settledAll(r, [1]);
    });
    const perRequestS = (0.4 + 0.3) / 1000;
    expect(between(r.events, 1, 'boot.start', 'boot.end')).toBeCloseTo((100 / (32 / 1024 / perRequestS)) * 1000, 3);
  });

  it('writes: none and writethrough wait for the store, writeback does not', async () => {
    const bootMs = async (cache: 'none' | 'writethrough' | 'writeback'): Promise<number> => {
      const r = rig({ latency: { ...FIXED, guest: { ...FIXED.guest, bootCpu: fixed(0), network: fixed(0), bootReadMB: fixed(0), bootWriteMB: fixed(20) } } });
      await r.clock.run(async () => {
        await deploy(r.drivers, 1, 'host-01', { cache });
        await settledAll(r, [1]);
      });
      return between(r.events, 1, 'boot.start', 'boot.end');
    };
    const direct = (20 / (32 / 1024 / 0.0007)) * 1000;
    expect(await bootMs('none')).toBeCloseTo(direct, 3);
    expect(await bootMs('writethrough')).toBeCloseTo(direct, 3);
    expect(await bootMs('writeback')).toBe(0);
  });

  it('the page cache drops an image under memory pressure: the next boot on that host reads it again', async () => {
    // 4,096 MiB hosts: 1 GiB for the host, then each guest's memory and qemu's 100 MiB; a 100 MB image
    const reads = async (memoryMiB: number): Promise<number> => {
      const r = rig({ hosts: uniformHosts(1, { cores: 8, memoryMiB: 4096 }) });
      await r.clock.run(async () => {
        await deploy(r.drivers, 1, 'host-01', { memoryMiB });
        await settledAll(r, [1]);
        await deploy(r.drivers, 2, 'host-01', { memoryMiB: 64 });
        await settledAll(r, [2]);
      });
      return r.events.filter((e) => e.type === 'store.read').length;
    };
    expect(await reads(512)).toBe(1); // 4096 - 1024 - 612 - 164 leaves room: the second boot finds it cached
    expect(await reads(2800)).toBe(2); // 4096 - 1024 - 2900 - 164 < 100 MB: dropped, read again
  });

  it('a deploy\'s CPU work shares the host\'s cores: a deploy onto a host busy booting takes longer', async () => {
    const latency = { ...FIXED, vmm: { ...FIXED.vmm, deploy: fixed(0), deployCpu: fixed(1) }, guest: { ...FIXED.guest, bootReadMB: fixed(0) } };
    const deployMs = async (busy: number): Promise<number> => {
      const r = rig({ hosts: uniformHosts(1, { cores: 2, memoryMiB: 24_576 }), latency });
      const ids = Array.from({ length: busy }, (_, i) => i + 10);
      await r.clock.run(async () => {
        await Promise.all(ids.map((i) => deploy(r.drivers, i, 'host-01')));
        await deploy(r.drivers, 1, 'host-01');
        await settledAll(r, [1, ...ids]);
      });
      return between(r.events, 1, 'vmm.start', 'vmm.end');
    };
    expect(await deployMs(0)).toBeCloseTo(1000, 6); // one core to itself
    // 3 guests booting with one vcpu each on 2 cores: the deploy gets a quarter of them, half a core
    expect(await deployMs(3)).toBeCloseTo(2000, 6);
  });

  it('an SSH set-up costs the host CPU too, and a TM action opens tmConnections of them', async () => {
    const latency = { ...FIXED, ssh: { cpu: fixed(0.05), hostCpu: fixed(0.2), latency: fixed(100), tmConnections: 2 } };
    const r = rig({ transport: 'ssh', latency });
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-01');
      await settledAll(r, [1]);
    });
    const setUps = r.events.filter((e) => e.type === 'ssh.end' && e.vmId === 1);
    expect(setUps.map((e) => e.action)).toEqual(['tm.clone', 'vmm.deploy']);
    // TM: two connections of 100 ms + 50 ms + 200 ms, then the clone's 500 ms
    expect(between(r.events, 1, 'tm.start', 'tm.end')).toBeCloseTo(2 * 350 + 500, 6);
    // VMM: one connection, then the deploy's 1,000 ms
    expect(between(r.events, 1, 'vmm.start', 'vmm.end')).toBeCloseTo(350 + 1000, 6);
  });

  it('reads each image once per host: two images, two reads', async () => {
    const r = rig();
    await r.clock.run(async () => {
      await Promise.all([
        deploy(r.drivers, 1, 'host-01', { image: '/img/a' }),
        deploy(r.drivers, 2, 'host-01', { image: '/img/b' }),
        deploy(r.drivers, 3, 'host-01', { image: '/img/a' }),
      ]);
      await settledAll(r, [1, 2, 3]);
    });
    expect(r.farm.instrument.storeServedMB).toBeCloseTo(200, 9);
  });

  it('slows every latency and the CPU work of a slow host', async () => {
    const r = rig({ faults: { hosts: { 'host-02': { slow: 3 } } }, latency: { ...FIXED, guest: { ...FIXED.guest, bootReadMB: fixed(0) } } });
    await r.clock.run(async () => {
      await Promise.all([deploy(r.drivers, 1, 'host-01'), deploy(r.drivers, 2, 'host-02')]);
      await settledAll(r, [1, 2]);
    });
    expect(between(r.events, 1, 'tm.start', 'tm.end')).toBe(500);
    expect(between(r.events, 2, 'tm.start', 'tm.end')).toBe(1500);
    expect(between(r.events, 2, 'vmm.start', 'vmm.end')).toBe(3000);
    expect(between(r.events, 1, 'boot.start', 'net-msg')).toBeCloseTo(10_000 + 1000, 6);
    expect(between(r.events, 2, 'boot.start', 'net-msg')).toBeCloseTo(3 * (10_000 + 1000), 6);
  });
});

// ------------------------------------------------------------------------------ transports and TM lines

describe('HostFarm: transports and transfer files', () => {
  it('pays an SSH set-up per action on the head node with the ssh transport, nothing with persistent', async () => {
    const run = async (transport: 'ssh' | 'persistent'): Promise<Rig> => {
      const r = rig({ transport });
      await r.clock.run(async () => {
        const lines = [cloneLine(1, 'host-01'), 'CONTEXT qcow2 /var/lib/one/vms/1/context.sh host-01:/var/lib/one/datastores/0/1/disk.1 1 0'];
        await r.drivers.tm.transfer({ vmId: 1, op: 'prolog', lines });
        await r.drivers.vmm.execute({ action: 'DEPLOY', vmId: 1, host: 'host-01', deployId: '', vm: vmOf(1) });
      });
      return r;
    };
    const ssh = await run('ssh');
    // two TM lines (one script, one connection each) and the deploy: three set-ups of 100 ms + 50 ms of CPU
    expect(ssh.events.filter((e) => e.type === 'ssh.start').map((e) => e.action)).toEqual(['tm.clone', 'tm.context', 'vmm.deploy']);
    expect(ssh.farm.headNode.served).toBeCloseTo(3 * 0.05, 12);
    expect(between(ssh.events, 1, 'tm.start', 'tm.end')).toBeCloseTo(2 * 150 + 500 + 300, 6);
    expect(between(ssh.events, 1, 'vmm.start', 'vmm.end')).toBeCloseTo(150 + 1000, 6);
    const persistent = await run('persistent');
    expect(persistent.events.some((e) => e.type.startsWith('ssh.'))).toBe(false);
    expect(persistent.farm.headNode.served).toBe(0);
    expect(between(persistent.events, 1, 'tm.start', 'tm.end')).toBe(800);
  });

  it('serializes SSH set-ups on a busy head node: CPU is shared, not free', async () => {
    // 160 set-ups of 0.05 core-s on a 1-core head node need 8 s of CPU whatever the overlap.
    const r = rig({ transport: 'ssh', headNode: { cores: 1 }, latency: { ...FIXED, tm: { ...FIXED.tm, clone: fixed(0) } } });
    await r.clock.run(() =>
      Promise.all(Array.from({ length: 160 }, (_, i) => r.drivers.tm.transfer({ vmId: i, op: 'prolog', lines: [cloneLine(i, 'host-01')] }))),
    );
    expect(r.clock.now()).toBeCloseTo(100 + 8000, 6);
    expect(r.farm.instrument.inFlight('ssh').peak).toBe(160);
  });

  it('emulates every verb the transfer-file reader knows, and no other', () => {
    expect([...TM_VERBS].sort()).toEqual(TRANSFER_ACTIONS.map((a) => a.toLowerCase()).sort());
  });

  it('fails a transfer at the first line it cannot run, saying which and why', async () => {
    const r = rig();
    await r.clock.run(async () => {
      const bad = await r.drivers.tm.transfer({ vmId: 4, op: 'prolog', lines: [cloneLine(4, 'host-01'), 'RESIZE qcow2 host-01:/x 4 0'] });
      expect(bad.result).toBe('FAILURE');
      expect(bad.info).toBe("Transfer file line 2: 'RESIZE' is not a transfer command we know (CLONE, LN, MKIMAGE, MKSWAP, CONTEXT, DELETE, MVDS, CPDS, MV).");
      expect(r.clock.now()).toBe(500); // line 1 ran
      const nowhere = await r.drivers.tm.transfer({ vmId: 5, op: 'prolog', lines: [cloneLine(5, 'host-99')] });
      expect(nowhere.info).toBe('Error executing image transfer script: clone: ssh: Could not resolve hostname host-99: Name or service not known');
      const hostless = await r.drivers.tm.transfer({ vmId: 7, op: 'prolog', lines: ['CLONE qcow2 fe:/img /var/lib/one/datastores/0/7/disk.0 7 1'] });
      expect(hostless.info).toBe('Transfer file line 1: no <host>:<path> argument names the host CLONE works on.');
      const empty = await r.drivers.tm.transfer({ vmId: 6, op: 'prolog', lines: [] });
      expect(empty).toEqual({ action: 'TRANSFER', result: 'SUCCESS', id: 6, info: '-' });
    });
    const emptyEvents = r.events.filter((e) => e.vmId === 6);
    expect(emptyEvents.map((e) => [e.type, e.host])).toEqual([
      ['tm.start', undefined],
      ['tm.end', undefined],
    ]);
  });
});

// ------------------------------------------------------------------------------ instrument

describe('HostFarm: the instrument', () => {
  it('records exact in-flight step series per host and over the farm', async () => {
    const r = rig();
    await r.clock.run(async () => {
      // three deploys on host-01 at 0, one on host-02 at 400; each takes 1000 ms
      const a = ['host-01', 'host-01', 'host-01'].map((h, i) =>
        r.drivers.vmm.execute({ action: 'DEPLOY', vmId: i, host: h, deployId: '', vm: vmOf(i) }),
      );
      await r.clock.sleep(400);
      await Promise.all([...a, r.drivers.vmm.execute({ action: 'DEPLOY', vmId: 9, host: 'host-02', deployId: '', vm: vmOf(9) })]);
    });
    const h1 = r.farm.instrument.inFlight('vmm', 'host-01');
    expect([h1.t, h1.n, h1.peak]).toEqual([[0, 1000], [3, 0], 3]);
    const all = r.farm.instrument.inFlight('vmm');
    expect([all.t, all.n, all.peak]).toEqual([[0, 400, 1000, 1400], [3, 4, 1, 0], 4]);
    const summary = r.farm.instrument.summary();
    expect(summary.peakInFlight.vmm).toBe(4);
    expect(summary.hosts.map((h) => h.peakInFlight.vmm)).toEqual([3, 1, 0, 0]);
    expect(summary.hosts[0]!.peakMemoryMiB).toBe(3 * 512);
    expect(() => r.farm.instrument.inFlight('tm', 'host-77')).toThrow('no host named host-77 in the farm');
  });

  it('emits every action’s start and end with emulated times, in causal order', async () => {
    const r = rig();
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-03');
      await settledAll(r, [1]);
    });
    expect(r.events.map((e) => [e.type, e.t])).toEqual([
      ['tm.start', 0],
      ['tm.end', 500],
      ['vmm.start', 500],
      ['vmm.end', 1500],
      ['boot.start', 1500],
      // the first boot of the image on this host reads its working set from the store
      ['store.read', 1500],
      // 10 core-s at 1 core and 100 MB at 100 MB/s overlap: 10 s, then 1 s of network
      ['boot.end', 12_500],
      ['net-msg', 12_500],
    ]);
    expect(r.events[3]).toMatchObject({ vmId: 1, host: 'host-03', action: 'DEPLOY', result: 'SUCCESS', info: 'one-1' });
    expect(r.netMsgs).toEqual([{ t: 12_500, vmId: 1, name: 'vm-1', host: 'host-03' }]);
  });
});

// ------------------------------------------------------------------------------ faults

describe('HostFarm: faults', () => {
  /** 99% binomial interval (normal approximation, n large). */
  const interval = (n: number, p: number): [number, number] => {
    const sd = Math.sqrt(n * p * (1 - p));
    return [n * p - 2.576 * sd, n * p + 2.576 * sd];
  };

  it('fails and hangs actions at the configured rates (binomial 99% interval)', async () => {
    // 2,000 transfers under each of seeds 1..5, pooled: one fixed seed alone is a single draw of
    // the very interval the test checks.
    const perSeed = 2000;
    const seeds = [1, 2, 3, 4, 5];
    let failed = 0;
    let hung = 0;
    for (const seed of seeds) {
      const r = rig({ seed, faults: { operations: { 'tm.clone': { failRate: 0.1, hangRate: 0.05, message: 'qemu-img: disk full' } } } });
      const replies: MadReply[] = [];
      await r.clock.run(async () => {
        for (let i = 0; i < perSeed; i += 1) {
          void r.drivers.tm.transfer({ vmId: i, op: 'prolog', lines: [cloneLine(i, `host-0${(i % 4) + 1}`)] }).then((x) => replies.push(x));
        }
        await r.clock.sleep(60_000);
      });
      const fails = replies.filter((x) => x.result === 'FAILURE');
      const hangs = perSeed - replies.length;
      failed += fails.length;
      hung += hangs;
      expect(fails[0]!.info).toBe('Error executing image transfer script: clone: qemu-img: disk full');
      // the trace names each injection, and hung transfers stay in flight
      expect(r.events.filter((e) => e.type === 'fault' && e.info === 'hang')).toHaveLength(hangs);
      expect(r.farm.instrument.inFlight('tm').value).toBe(hangs);
    }
    const n = perSeed * seeds.length;
    const [fLo, fHi] = interval(n, 0.1);
    const [hLo, hHi] = interval(n, 0.05);
    expect(failed).toBeGreaterThan(fLo);
    expect(failed).toBeLessThan(fHi);
    expect(hung).toBeGreaterThan(hLo);
    expect(hung).toBeLessThan(hHi);
  });

  it('hangs exactly the named deploy: it never answers, and the clock stalls rather than pretend', async () => {
    const r = rig({ faults: { operations: { 'vmm.deploy': { hang: { vmIds: [3] } } } } });
    const answered: number[] = [];
    await r.clock.run(async () => {
      await Promise.all([1, 2, 4].map((id) => deploy(r.drivers, id, 'host-01').then(() => answered.push(id))));
    });
    await expect(r.clock.run(() => deploy(r.drivers, 3, 'host-01'))).rejects.toBeInstanceOf(VirtualClockStalled);
    expect(answered.sort()).toEqual([1, 2, 4]);
    expect(r.events.filter((e) => e.type === 'vmm.end').map((e) => e.vmId)).not.toContain(3);
    expect(r.events.find((e) => e.type === 'fault')).toMatchObject({ vmId: 3, action: 'vmm.deploy', info: 'hang' });
    expect(r.farm.instrument.inFlight('vmm', 'host-01').value).toBe(1);
  });

  it('hangs the n-th deploy, and a deadline passes with no reply', async () => {
    const r = rig({ faults: { operations: { 'vmm.deploy': { hang: { nth: [2] } } } } });
    const outcome = await r.clock.run(async () => {
      const first = await deploy(r.drivers, 10, 'host-01');
      const second = deploy(r.drivers, 11, 'host-01');
      const deadline = r.clock.sleep(600_000).then(() => 'deadline' as const);
      return { first: first.vmm?.result, second: await Promise.race([second.then(() => 'answered' as const), deadline]) };
    });
    expect(outcome).toEqual({ first: 'SUCCESS', second: 'deadline' });
  });

  it('fails a named guest boot: no NET-MSG, and the reason on boot.end', async () => {
    const r = rig({ faults: { operations: { 'guest.boot': { fail: { vmIds: [2] }, message: 'Kernel panic - not syncing' } } } });
    await r.clock.run(async () => {
      await Promise.all([deploy(r.drivers, 1, 'host-01'), deploy(r.drivers, 2, 'host-01')]);
      await settledAll(r, [1, 2]);
    });
    expect(r.netMsgs.map((m) => m.vmId)).toEqual([1]);
    expect(r.events.find((e) => e.type === 'boot.end' && e.vmId === 2)).toMatchObject({ result: 'FAILURE', info: 'Kernel panic - not syncing' });
  });

  it('crashes a host: its VMs are lost, booting guests never report, and what follows fails', async () => {
    const r = rig({ faults: { hosts: { 'host-02': { crashAt: 5000 } } } });
    const replies = new Map<string, MadReply>();
    await r.clock.run(async () => {
      // VM 1 on host-02 is booting at 5 s (deployed at 1.5 s, boot takes 11 s); VM 2 is on host-01.
      await Promise.all([deploy(r.drivers, 1, 'host-02'), deploy(r.drivers, 2, 'host-01')]);
      // VM 3's deploy is in flight on host-02 when it crashes (4.5 s .. 5.5 s).
      await r.clock.sleep(4500 - r.clock.now());
      const inFlight = r.drivers.vmm.execute({ action: 'DEPLOY', vmId: 3, host: 'host-02', deployId: '', vm: vmOf(3) });
      replies.set('in flight', await inFlight);
      replies.set('after', (await deploy(r.drivers, 4, 'host-02')).tm);
      replies.set('monitor', await r.drivers.im.monitor({ hostId: 1, hostname: 'host-02' }));
      await settledAll(r, [2]);
      await r.clock.sleep(20_000);
    });
    expect(r.events.find((e) => e.type === 'host.crash')).toEqual({ t: 5000, type: 'host.crash', host: 'host-02' });
    expect(r.events.find((e) => e.type === 'vm.lost')).toEqual({ t: 5000, type: 'vm.lost', vmId: 1, host: 'host-02', info: 'host host-02 crashed' });
    expect(r.events.find((e) => e.type === 'boot.end' && e.vmId === 1)).toMatchObject({ t: 5000, result: 'FAILURE', info: 'host host-02 crashed' });
    expect(r.netMsgs.map((m) => m.vmId)).toEqual([2]);
    expect(replies.get('in flight')).toMatchObject({ result: 'FAILURE', info: 'Connection to host-02 closed by remote host.' });
    expect(replies.get('after')).toMatchObject({
      result: 'FAILURE',
      info: 'Error executing image transfer script: clone: ssh: connect to host host-02 port 22: No route to host',
    });
    expect(replies.get('monitor')).toMatchObject({ result: 'FAILURE', info: 'ssh: connect to host host-02 port 22: No route to host' });
    expect(r.farm.host('host-02')).toMatchObject({ crashedAt: 5000, vms: [], usedMemoryMiB: 0 });
    expect(r.farm.instrument.inFlight('boot', 'host-02').value).toBe(0);
  });

  it('crashes a host on demand too', async () => {
    const r = rig();
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-04');
      r.farm.crash('host-04');
    });
    expect(r.events.filter((e) => e.type === 'vm.lost').map((e) => e.vmId)).toEqual([1]);
    expect(() => r.farm.crash('host-40')).toThrow('no host named host-40 in the farm (hosts are host-01 .. host-04)');
  });

  it('stops a booting guest that is shut down: no NET-MSG, memory back', async () => {
    const r = rig();
    await r.clock.run(async () => {
      await deploy(r.drivers, 1, 'host-01');
      await r.drivers.vmm.execute({ action: 'SHUTDOWN', vmId: 1, host: 'host-01', deployId: 'one-1', vm: vmOf(1) });
      await r.clock.sleep(30_000);
    });
    expect(r.netMsgs).toEqual([]);
    expect(r.events.find((e) => e.type === 'boot.end')).toMatchObject({ t: 3500, result: 'FAILURE', info: 'shut down before the guest was up' });
    expect(r.farm.host('host-01')!.usedMemoryMiB).toBe(0);
  });
});

// ------------------------------------------------------------------------------ configuration

describe('HostFarm: configuration', () => {
  const make = (o: Partial<HostFarmOptions>): HostFarm => new HostFarm({ clock: new VirtualClock(), random: new Random(1), ...o });

  it('defaults to the study’s cluster', () => {
    const farm = make({});
    expect(farm.hostNames).toHaveLength(16);
    expect(farm.hostNames[0]).toBe('host-01');
    expect(farm.host('host-16')).toMatchObject({ cores: 8, memoryMiB: 24_576, slow: 1 });
    // 8 nfsd threads serving 32 KiB requests in 0.3 ms each: 833 MB/s, under the 1 GB/s link
    expect(farm.store.capacity).toBeCloseTo((8 * 32) / 1024 / 0.0003, 9);
    expect(make({ store: { mbps: 117 } }).store.capacity).toBe(117);
    expect(farm.headNode.capacity).toBe(8);
    expect(uniformHosts(100, { cores: 1, memoryMiB: 1 })[99]!.name).toBe('host-100');
  });

  it('names the field and the problem', () => {
    const message = (o: Partial<HostFarmOptions>): string => {
      try {
        make(o);
      } catch (e) {
        expect(e).toBeInstanceOf(FarmConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ faults: { hosts: { 'host-99': { slow: 2 } } } })).toBe(
      'host farm configuration: faults.hosts.host-99: no such host in the farm (hosts are host-01 .. host-16)',
    );
    expect(message({ hosts: [{ name: 'a', cores: 1, memoryMiB: 1 }, { name: 'a', cores: 1, memoryMiB: 1 }] })).toBe(
      'host farm configuration: hosts.1.name: a appears twice',
    );
    expect(message({ latency: { vmm: { deploy: { dist: 'fixed', value: -1 } } } })).toMatch(
      /^host farm configuration: latency\.vmm\.deploy\.value: /,
    );
    expect(message({ hosts: [{ name: 'bad:name', cores: 1, memoryMiB: 1 }] })).toMatch(/hosts\.0\.name: a host name has no spaces, colons or slashes/);
    expect(message({ store: { mbps: 0 } })).toMatch(/^host farm configuration: store\.mbps: /);
    const faults: FaultPlanInput = { operations: { 'vmm.deploy': { failRate: 2 } } };
    expect(message({ faults })).toMatch(/faults\.operations\.vmm\.deploy\.failRate/);
    expect(() => make({}).launcher({ transport: 'telnet' as 'ssh' })).toThrow("transport must be 'ssh' or 'persistent', got 'telnet'");
  });
});
