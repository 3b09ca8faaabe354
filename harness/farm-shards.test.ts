import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { serveFarmShard } from './farm-shard.js';
import { run } from './run.js';
import { resolveScenario } from './scenario.js';
import { STAGES } from './stages.js';
import { stageAgreement } from './test-support/stage-agreement.js';
import { stampedeCommand } from './stampede-command.js';

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((done) => {
          if (c.exitCode !== null || c.signalCode !== null) return done();
          c.once('exit', () => done());
          c.kill('SIGTERM');
        }),
    ),
  );
});

/** `stampede farm --hosts RANGE` as a child process, on a free port of 127.0.0.1; its URL. */
async function shard(hosts: string): Promise<string> {
  const [file, ...prefix] = stampedeCommand();
  const child = spawn(file!, [...prefix, 'farm', '--hosts', hosts, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  return new Promise<string>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = / serves (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`stampede farm --hosts ${hosts} exited with ${code}`)));
  });
}

describe('a run on farm shards', () => {
  it('two stampede farm processes serve one 512-VM run; its stage means agree with the single-farm run within the lag both report', async () => {
    const urls = await Promise.all([shard('host-01..host-08'), shard('host-09..host-16')]);
    const scenario = (shards: string[]) => resolveScenario({ clock: 'scaled:5', farm: { shards }, budgets: { failed: '== 0' } });
    const sharded = await run(scenario(urls));
    const single = await run(scenario([]));
    for (const r of [sharded, single]) {
      expect(r.vms).toMatchObject({ requested: 512, up: 512, failed: 0 });
      for (const stage of STAGES) expect(r.stages[stage].count, stage).toBe(512);
    }
    expect(sharded.shards?.map((s) => [s.url, s.hosts, s.first, s.last])).toEqual([
      [urls[0], 8, 'host-01', 'host-08'],
      [urls[1], 8, 'host-09', 'host-16'],
    ]);
    for (const s of sharded.shards!) {
      expect(s.events).toBeGreaterThan(512); // every guest's boot, its end and its NET-MSG at least
      expect(s.offsetErrorMs).toBeGreaterThanOrEqual(0);
      // its own clock's lag, which the run's bounds now count
      expect(s.lag?.timers).toBeGreaterThan(0);
    }
    // a boundary stamped by a shard may be off by its offset's error, beside what each run's lag bounds
    const offsetError = Math.max(...sharded.shards!.map((s) => s.offsetErrorMs)) / 1000;
    const rows = stageAgreement(sharded, single, scenario([]).profile.scheduler.SCHED_INTERVAL, 2 * offsetError);
    console.log(`two shards (a) vs one farm (b), 512 VMs at scaled:5 (emulated s): ${JSON.stringify(rows)}; shards: ${JSON.stringify(sharded.shards)}`);
    for (const row of rows) expect(row.difference, row.stage).toBeLessThanOrEqual(row.allowed);
  }, 900_000);

  it('refuses, in one sentence, hosts no shard plays, a host two shards play, and the virtual clock', async () => {
    const a = await serveFarmShard({ hosts: ['host-01', 'host-02'] });
    const b = await serveFarmShard({ hosts: ['host-02', 'host-03'] });
    try {
      const on = (shards: string[], clock = 'scaled:20') => run(resolveScenario({ clock, hosts: { count: 3 }, vms: { count: 1 }, farm: { shards } }));
      await expect(on([a.url])).rejects.toThrow("1 of the scenario's 3 hosts are played by no farm shard (host-03); start a shard with --hosts for them");
      await expect(on([a.url, b.url])).rejects.toThrow(`host host-02 is played by two farm shards, ${a.url} and ${b.url}; give each host to one shard`);
      await expect(on([a.url], 'virtual')).rejects.toThrow('farm shards run on the scaled clock (--clock scaled:FACTOR): a shard has real timers');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
