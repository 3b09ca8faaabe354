import { describe, expect, it } from 'vitest';
import { HostState } from '../opennebula/states.js';
import { parseHost } from '../opennebula/host-xml.js';
import { getSingle } from '../opennebula/template.js';
import { success } from '../opennebula/driver.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { InformationManager, monitorOf, parseMonitor } from './information-manager.js';
import { monitorText } from '../opennebula/driver.js';
import { Database } from './database.js';
import { HostPool } from './pools.js';
import { stackFixture } from './test-support/stack-fixture.js';

describe('InformationManager (4.4 pace: MANAGER_TIMER 15 s, HOST_PER_INTERVAL 15, MONITORING_INTERVAL 60 s)', () => {
  it('monitors at most HOST_PER_INTERVAL hosts per timer run, so 40 new hosts take three runs', async () => {
    const f = stackFixture({ profile: { extends: 'opennebula-4.4', api: { callMs: 0, methodMs: {}, poolObjectMs: 0 } } });
    await f.clock.run(async () => {
      for (let i = 0; i < 40; i += 1) await f.call('one.host.allocate', `h${i}`, 'dummy', 'dummy', -1);
      f.stack.start();
      await f.until(async () => (await f.hostStates()).every((s) => s === HostState.MONITORED), 1000);
      f.stack.stop();
    });
    const starts = f.drivers.of('im', 'MONITOR').map((c) => c.start);
    expect(starts.filter((t) => t === 15_000)).toHaveLength(15);
    expect(starts.filter((t) => t === 30_000)).toHaveLength(15);
    expect(starts.filter((t) => t === 45_000)).toHaveLength(10);
    // oldest host first
    expect(f.drivers.of('im').slice(0, 15).map((c) => c.id)).toEqual([...Array(15).keys()]);
  });

  it('keeps a host INIT until its first answer, fills the share from it, and monitors it again after MONITORING_INTERVAL', async () => {
    const f = stackFixture({
      // asked only (no UDP push): the pace of MONITORING_INTERVAL
      profile: { extends: 'opennebula-4.4', monitoring: { PUSH_INTERVAL: 0 }, api: { callMs: 0, methodMs: {}, poolObjectMs: 0 } },
      drivers: { monitorMs: 2000, shape: () => ({ cores: 4, memoryMiB: 8192 }) },
    });
    const seen = await f.clock.run(async () => {
      await f.call('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
      f.stack.start();
      await f.clock.sleep(15_500);
      const during = parseHost((await f.call('one.host.info', 0)) as string);
      await f.clock.sleep(2_000);
      const after = parseHost((await f.call('one.host.info', 0)) as string);
      await f.clock.sleep(120_000);
      f.stack.stop();
      return { during, after };
    });
    expect(seen.during.state).toBe(HostState.MONITORING_INIT);
    expect(seen.after.state).toBe(HostState.MONITORED);
    expect(seen.after.share).toMatchObject({ totalCpu: 400, maxCpu: 400, totalMem: 8192 * 1024, maxMem: 8192 * 1024 });
    expect(getSingle(seen.after.template, 'HYPERVISOR')).toBe('dummy');
    expect(seen.after.monitoring?.timestamp).toBeGreaterThan(0);
    // monitored at 15 s, then again once 60 s have passed since its answer (at 17 s): the 90 s run
    expect(f.drivers.of('im').map((c) => c.start)).toEqual([15_000, 90_000]);
  });

  it('puts a host whose monitor fails in ERROR with the reason, and back to MONITORED when it answers again', async () => {
    let reachable = false;
    const f = stackFixture({
      profile: { extends: 'opennebula-4.4' },
      drivers: { failMonitor: () => (reachable ? undefined : 'ssh: connect to host h0 port 22: Connection refused') },
    });
    const states = await f.clock.run(async () => {
      await f.call('one.host.allocate', 'h0', 'dummy', 'dummy', -1);
      f.stack.start();
      await f.clock.sleep(20_000);
      const failed = parseHost((await f.call('one.host.info', 0)) as string);
      reachable = true;
      await f.clock.sleep(90_000);
      const healed = parseHost((await f.call('one.host.info', 0)) as string);
      f.stack.stop();
      return { failed, healed };
    });
    expect(states.failed.state).toBe(HostState.ERROR);
    expect(getSingle(states.failed.template, 'ERROR')).toMatch(/Error monitoring Host h0 \(0\): ssh: connect to host h0 port 22: Connection refused$/);
    expect(states.healed.state).toBe(HostState.MONITORED);
    expect(getSingle(states.healed.template, 'ERROR')).toBeUndefined();
  });
});

describe('InformationManager.timerAction', () => {
  it('passes over a host in a state it does not monitor, and takes it up again once it is back in one', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    for (const name of ['h0', 'h1', 'h2']) hosts.allocate(name, 'dummy', 'dummy', 0, 'default');
    const driver = { monitor: async () => success('MONITOR', 0, 'TOTALCPU=800 TOTALMEMORY=1024') };
    const im = new InformationManager(clock, hosts, driver, { MANAGER_TIMER: 1, HOST_PER_INTERVAL: 10, MONITORING_INTERVAL: 60 });
    hosts.get(1)!.state = HostState.DISABLED;
    const sent = await clock.run(async () => {
      const first = im.timerAction().map((h) => h.id);
      await clock.sleep(1000);
      const second = im.timerAction().map((h) => h.id);
      hosts.get(1)!.state = HostState.INIT;
      const third = im.timerAction().map((h) => h.id);
      await clock.sleep(61_000);
      const fourth = im.timerAction().map((h) => h.id);
      return { first, second, third, fourth };
    });
    // least recently monitored first: 0 and 2 answered a second before 1
    expect(sent).toEqual({ first: [0, 2], second: [], third: [1], fourth: [0, 2, 1] });
  });
});

describe('InformationManager answers', () => {
  it('reads every answer that differs from the last, and keeps the reading of one that does not', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    const host = hosts.allocate('h0', 'dummy', 'dummy', 0, 'default');
    const answers = ['TOTALCPU=800 TOTALMEMORY=1024', 'TOTALCPU=800 TOTALMEMORY=1024', 'TOTALCPU=400 TOTALMEMORY=1024 USEDCPU=100'];
    const driver = { monitor: async () => success('MONITOR', 0, answers.shift()!) };
    const im = new InformationManager(clock, hosts, driver, { MANAGER_TIMER: 1, HOST_PER_INTERVAL: 1, MONITORING_INTERVAL: 1 });
    const seen = await clock.run(async () => {
      const out: Array<[number, number]> = [];
      for (let i = 0; i < 3; i += 1) {
        im.timerAction();
        await clock.sleep(2000);
        out.push([host.monitor!.totalCpu, host.monitor!.usedCpu]);
      }
      return out;
    });
    expect(seen).toEqual([
      [800, 0],
      [800, 0],
      [400, 100],
    ]);
  });
});

describe('parseMonitor', () => {
  it('reads the probes KEY=VALUE lines, quoted or not, and needs TOTALCPU and TOTALMEMORY', () => {
    expect(parseMonitor('HYPERVISOR=kvm\nTOTALCPU=800\nUSEDCPU=100\nTOTALMEMORY=16777216\nMODELNAME="Intel Xeon"\n')).toMatchObject({
      hypervisor: 'kvm',
      totalCpu: 800,
      usedCpu: 100,
      freeCpu: 700,
      totalMemKiB: 16777216,
      freeMemKiB: 16777216,
      attributes: { MODELNAME: 'Intel Xeon' },
    });
    expect(parseMonitor('HYPERVISOR=kvm TOTALCPU=800')).toBeUndefined();
  });

  it("reads the same monitor from a driver's values as from their text (monitorOf, monitorText)", () => {
    const values = { HYPERVISOR: 'dummy', MODELNAME: 'Stampede emulated host', TOTALCPU: '800', USEDCPU: '150', TOTALMEMORY: '1048576', USEDMEMORY: '0' };
    const text = monitorText(values);
    expect(text).toBe('HYPERVISOR=dummy\nMODELNAME="Stampede emulated host"\nTOTALCPU=800\nUSEDCPU=150\nTOTALMEMORY=1048576\nUSEDMEMORY=0');
    expect(monitorOf(values)).toEqual(parseMonitor(text));
    expect(monitorOf(values)).toMatchObject({ totalCpu: 800, usedCpu: 150, freeCpu: 650, freeMemKiB: 1048576 });
    expect(monitorOf({ HYPERVISOR: 'dummy', TOTALCPU: '800' })).toBeUndefined();
  });
});

describe("InformationManager and a driver's values", () => {
  it('reads a reply by its values without its text, and keeps the monitor while they stay the same', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    const host = hosts.allocate('h0', 'dummy', 'dummy', 0, 'default');
    let used = '0';
    const driver = {
      monitor: async () => {
        const values = { HYPERVISOR: 'dummy', TOTALCPU: '800', USEDCPU: used, TOTALMEMORY: '1048576' };
        // a reply whose text nobody in this process needs: reading it fails the test
        return Object.defineProperty({ ...success('MONITOR', 0, ''), values }, 'info', {
          get: () => {
            throw new Error('the text of a reply with values was read');
          },
        });
      },
    };
    const im = new InformationManager(clock, hosts, driver, { MANAGER_TIMER: 1, HOST_PER_INTERVAL: 10, MONITORING_INTERVAL: 1 });
    const monitors: unknown[] = [];
    await clock.run(async () => {
      for (const next of ['0', '0', '150']) {
        used = next;
        im.timerAction();
        await clock.sleep(2000);
        monitors.push(host.monitor);
      }
    });
    expect(host.state).toBe(HostState.MONITORED);
    expect(monitors[1]).toBe(monitors[0]);
    expect(monitors[2]).not.toBe(monitors[1]);
    expect(host.monitor).toMatchObject({ totalCpu: 800, usedCpu: 150 });
  });
});

describe('InformationManager on SQLite (database.ts)', () => {
  it('takes the answers one after another, each once the report before it is written, and writes each', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    for (const name of ['h0', 'h1', 'h2']) hosts.allocate(name, 'dummy', 'dummy', 0, 'default');
    const db = new Database(clock);
    const driver = { monitor: async () => success('MONITOR', 0, 'TOTALCPU=800 TOTALMEMORY=1024') };
    const recorded: Array<[number, number]> = [];
    const im = new InformationManager(clock, hosts, driver, { MANAGER_TIMER: 1, HOST_PER_INTERVAL: 10, MONITORING_INTERVAL: 60 }, {
      listenerFree: () => db.free(),
      record: (host) => {
        recorded.push([host.id, clock.now()]);
        void db.hold(1000);
      },
    });
    await clock.run(async () => {
      im.timerAction();
      await clock.sleep(5000);
    });
    // the three answers come at once; the listener writes one report a second
    expect(recorded).toEqual([
      [0, 0],
      [1, 1000],
      [2, 2000],
    ]);
    expect(hosts.get(2)!.state).toBe(HostState.MONITORED);
  });
});

describe('InformationManager with UDP push (PUSH_INTERVAL)', () => {
  it('hears from a host every PUSH_INTERVAL once its first MONITOR has started it, not only every MONITORING_INTERVAL, and no more once stopped', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    hosts.allocate('h0', 'dummy', 'dummy', 0, 'default');
    const asked: number[] = [];
    const driver = {
      monitor: async () => {
        asked.push(clock.now());
        return success('MONITOR', 0, 'TOTALCPU=800 TOTALMEMORY=1024');
      },
    };
    const im = new InformationManager(clock, hosts, driver, { MANAGER_TIMER: 15, HOST_PER_INTERVAL: 15, MONITORING_INTERVAL: 60, PUSH_INTERVAL: 20 });
    await clock.run(async () => {
      im.start();
      await clock.sleep(100_000);
      im.stop();
      await clock.sleep(100_000);
    });
    // the timer's MONITOR at 15 s, then a report every 20 s; the timer never needs to ask again
    expect(asked).toEqual([15_000, 35_000, 55_000, 75_000, 95_000]);
    expect(hosts.get(0)!.state).toBe(HostState.MONITORED);
  });

  it('waits with the next report until the last one was written, on SQLite', async () => {
    const clock = new VirtualClock();
    const hosts = new HostPool();
    hosts.allocate('h0', 'dummy', 'dummy', 0, 'default');
    const db = new Database(clock);
    const asked: number[] = [];
    const driver = {
      monitor: async () => {
        asked.push(clock.now());
        return success('MONITOR', 0, 'TOTALCPU=800 TOTALMEMORY=1024');
      },
    };
    const im = new InformationManager(
      clock,
      hosts,
      driver,
      { MANAGER_TIMER: 15, HOST_PER_INTERVAL: 15, MONITORING_INTERVAL: 60, PUSH_INTERVAL: 20 },
      // another writer keeps the lock for 30 s from 30 s on: the report of 35 s is taken at 60 s
      { listenerFree: () => db.free(), record: () => void db.hold(0) },
    );
    await clock.run(async () => {
      im.start();
      await clock.sleep(30_000);
      void db.hold(30_000);
      await clock.sleep(60_000);
      im.stop();
    });
    expect(asked).toEqual([15_000, 35_000, 80_000]);
  });
});
