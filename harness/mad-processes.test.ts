import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostFarm } from '../adapters/host-farm.js';
import { parseHostPool } from '../opennebula/host-xml.js';
import { LcmState } from '../opennebula/states.js';
import { parseVmPool } from '../opennebula/vm-xml.js';
import { Random } from '../sim/random.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { MadProcesses } from '../stack/mad-processes.js';
import { resolveProfile } from '../stack/profile.js';
import { madArguments, ReferenceStack } from '../stack/reference-stack.js';
import { tapLauncher } from './driver-tap.js';
import { serveFarm } from './farm-server.js';
import { FARM_URL_ENV } from './mad-driver.js';
import { stampedeCommand } from './stampede-command.js';
import type { TraceEvent } from './trace-event.js';

const S = 'oneadmin:oneadmin';

describe('the reference stack with its drivers as MAD child processes', () => {
  it('monitors two hosts and deploys 8 VMs through stampede driver tm|vmm|im and the farm over HTTP', async () => {
    const clock = new ScaledClock(50);
    const farm = new HostFarm({ clock, random: new Random(3), hosts: [{ name: 'h1', cores: 8, memoryMiB: 8192 }, { name: 'h2', cores: 8, memoryMiB: 8192 }] });
    const events: TraceEvent[] = [];
    const server = await serveFarm({ launcher: tapLauncher(farm.launcher, clock, (e) => events.push(e)) });
    const dir = await mkdtemp(join(tmpdir(), 'stampede-mads-'));
    const cli = stampedeCommand();
    const mads = new MadProcesses(
      { tm: [...cli, 'driver', 'tm'], vmm: [...cli, 'driver', 'vmm'], im: [...cli, 'driver', 'im'] },
      { vmsDir: dir, env: { ...process.env, [FARM_URL_ENV]: server.url } },
    );
    const profile = resolveProfile({ extends: 'optimized', vmm: { threads: 2 }, pathologies: { 'vmm-host-lock': true } });
    const stack = new ReferenceStack({ clock, profile, launcher: mads.launcher });
    try {
      await mads.ready();
      stack.start();
      for (const h of ['h1', 'h2']) expect((await stack.api.call('one.host.allocate', [S, h, 'dummy', 'dummy', -1]))[0]).toBe(true);
      const until = async (done: () => Promise<boolean>): Promise<void> => {
        while (!(await done())) await clock.sleep(1000);
      };
      await until(async () => parseHostPool((await stack.api.call('one.hostpool.info', [S]))[1] as string).every((h) => h.state === 2));
      for (let i = 0; i < 8; i += 1) await stack.api.call('one.vm.allocate', [S, 'CPU=0.5 MEMORY=512 DISK=[IMAGE_ID=0]']);
      await until(async () =>
        parseVmPool((await stack.api.call('one.vmpool.info', [S, -2, -1, -1, -1]))[1] as string).every((v) => v.lcmState === LcmState.RUNNING),
      );
      const deploys = events.filter((e) => e.type === 'vmm.end' && e.action === 'DEPLOY');
      expect(deploys).toHaveLength(8);
      expect(deploys.every((e) => e.result === 'SUCCESS')).toBe(true);
      expect(events.filter((e) => e.type === 'tm.end' && e.action === 'prolog')).toHaveLength(8);
      // the driver process's own pool: -t 2 without -p, so never more than one deploy per host at once
      expect(farm.instrument.summary().hosts.every((h) => h.peakInFlight.vmm <= 1)).toBe(true);
      expect(farm.instrument.summary().peakInFlight.vmm).toBeLessThanOrEqual(2);
    } finally {
      stack.stop();
      mads.kill();
      await mads.stop();
      farm.stop();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
