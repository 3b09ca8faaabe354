import { describe, expect, it } from 'vitest';
import { success, type DeploymentVm, type Drivers, type MadArguments } from '../opennebula/driver.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { madLauncher } from './mad-drivers.js';

/** A farm whose actions take fixed times and count how many run at once, in total and per host. */
function countingFarm(clock: VirtualClock) {
  const now = { tm: 0, vmm: 0 };
  const peak = { tm: 0, vmm: 0 };
  const onHost = new Map<string, number>();
  const peakOnHost = new Map<string, number>();
  const transports: string[] = [];
  const act = async (kind: 'tm' | 'vmm', host: string, ms: number): Promise<void> => {
    now[kind] += 1;
    peak[kind] = Math.max(peak[kind], now[kind]);
    if (kind === 'vmm') {
      onHost.set(host, (onHost.get(host) ?? 0) + 1);
      peakOnHost.set(host, Math.max(peakOnHost.get(host) ?? 0, onHost.get(host)!));
    }
    await clock.sleep(ms);
    now[kind] -= 1;
    if (kind === 'vmm') onHost.set(host, onHost.get(host)! - 1);
  };
  const launcher = ({ transport }: { transport: string }): Drivers => {
    transports.push(transport);
    return {
      tm: { transfer: async (r) => (await act('tm', '', 1000), success('TRANSFER', r.vmId)) },
      vmm: { execute: async (r) => (await act('vmm', r.host, 5000), success(r.action, r.vmId, `one-${r.vmId}`)) },
      im: { monitor: async (r) => success('MONITOR', r.hostId, 'TOTALCPU=800') },
    };
  };
  return { launcher, peak, peakOnHost, transports };
}

const vm = (id: number): DeploymentVm => ({ id, name: `vm-${id}`, cpu: 1, vcpu: 1, memoryMiB: 512, disks: [] });

/** 64 VMs on 4 hosts: a prolog each, then a deploy each, all sent at once as a burst would. */
async function burst(args: MadArguments) {
  const clock = new VirtualClock();
  const farm = countingFarm(clock);
  const drivers = madLauncher(farm.launcher)(args);
  await clock.run(() =>
    Promise.all(
      Array.from({ length: 64 }, async (_, id) => {
        await drivers.tm.transfer({ vmId: id, op: 'prolog', lines: [] });
        await drivers.vmm.execute({ action: 'DEPLOY', vmId: id, host: `host0${id % 4}`, deployId: '', vm: vm(id) });
      }),
    ),
  );
  return farm;
}

describe('MAD drivers: the concurrency of their ARGUMENTS', () => {
  it('without -p the VMM never runs two actions on one host at once; with -p it does', async () => {
    const locked = await burst({ tm: '-t 15', vmm: '-t 10', im: '' });
    const free = await burst({ tm: '-t 15', vmm: '-t 10 -p', im: '' });
    for (const h of ['host00', 'host01', 'host02', 'host03']) {
      expect(locked.peakOnHost.get(h)).toBe(1);
      expect(free.peakOnHost.get(h)).toBeGreaterThan(1);
    }
    // one action per host, but the four hosts still deploy side by side
    expect(locked.peak.vmm).toBe(4);
  });

  it('-t caps each driver at its thread count; -t 1 is a single consumer', async () => {
    expect((await burst({ tm: '-t 5', vmm: '-t 3 -p', im: '' })).peak).toEqual({ tm: 5, vmm: 3 });
    expect((await burst({ tm: '-t 1', vmm: '-t 1 -p', im: '' })).peak).toEqual({ tm: 1, vmm: 1 });
  });

  it('starts each driver on the farm with its own transport', async () => {
    const farm = await burst({ tm: '--transport ssh', vmm: '-p', im: '--transport ssh' });
    expect(farm.transports).toEqual(['ssh', 'persistent', 'ssh']);
  });
});
