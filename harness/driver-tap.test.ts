import { describe, expect, it } from 'vitest';
import { failure, success, type Drivers, type VmmRequest } from '../opennebula/driver.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { tapLauncher } from './driver-tap.js';
import type { TraceEvent } from './trace-event.js';

const vm = { id: 17, name: 'vm-17', cpu: 0.25, vcpu: 1, memoryMiB: 512, disks: [] };

function fakeDrivers(clock: VirtualClock): Drivers {
  return {
    tm: {
      async transfer(r) {
        await clock.sleep(2_000);
        return r.vmId === 18 ? failure('TRANSFER', r.vmId, 'CLONE: no space left on device') : success('TRANSFER', r.vmId);
      },
    },
    vmm: {
      async execute(r) {
        await clock.sleep(1_500);
        if (r.vmId === 19) throw new Error('driver process died');
        return success(r.action, r.vmId, `${r.host}:${r.vm.name}:dummy`);
      },
    },
    im: { monitor: async (r) => success('MONITOR', r.hostId, 'HYPERVISOR=dummy') },
  };
}

describe('tapLauncher', () => {
  it('records each TM and VMM request and reply at the moment it passes, and changes nothing', async () => {
    const clock = new VirtualClock();
    const events: TraceEvent[] = [];
    const launched: unknown[] = [];
    const launch = tapLauncher(
      (args) => (launched.push(args), fakeDrivers(clock)),
      clock,
      (e) => events.push(e),
    );
    const drivers = launch({ transport: 'ssh' });
    expect(launched).toEqual([{ transport: 'ssh' }]);
    const deploy: VmmRequest = { action: 'DEPLOY', vmId: 17, host: 'host-03', deployId: '', vm };
    const replies = await clock.run(async () => {
      const tm = await drivers.tm.transfer({
        vmId: 17,
        op: 'prolog',
        lines: ['CLONE qcow2 frontend:/var/lib/one/datastores/1/8a3f host-03:/var/lib/one/datastores/0/17/disk.0 17 1'],
      });
      const vmm = await drivers.vmm.execute(deploy);
      const failed = await drivers.tm.transfer({ vmId: 18, op: 'prolog', lines: [] });
      const died = await drivers.vmm.execute({ ...deploy, vmId: 19 });
      return [tm, vmm, failed, died];
    });
    expect(replies).toEqual([
      success('TRANSFER', 17),
      success('DEPLOY', 17, 'host-03:vm-17:dummy'),
      failure('TRANSFER', 18, 'CLONE: no space left on device'),
      failure('DEPLOY', 19, 'driver process died'),
    ]);
    expect(events).toEqual([
      { t: 0, type: 'tm.start', vmId: 17, action: 'prolog', host: 'host-03' },
      { t: 2_000, type: 'tm.end', vmId: 17, action: 'prolog', host: 'host-03', result: 'SUCCESS' },
      { t: 2_000, type: 'vmm.start', vmId: 17, host: 'host-03', action: 'DEPLOY' },
      { t: 3_500, type: 'vmm.end', vmId: 17, host: 'host-03', action: 'DEPLOY', result: 'SUCCESS', info: 'host-03:vm-17:dummy' },
      { t: 3_500, type: 'tm.start', vmId: 18, action: 'prolog' },
      { t: 5_500, type: 'tm.end', vmId: 18, action: 'prolog', result: 'FAILURE', info: 'CLONE: no space left on device' },
      { t: 5_500, type: 'vmm.start', vmId: 19, host: 'host-03', action: 'DEPLOY' },
      { t: 7_000, type: 'vmm.end', vmId: 19, host: 'host-03', action: 'DEPLOY', result: 'FAILURE', info: 'driver process died' },
    ]);
  });
});
