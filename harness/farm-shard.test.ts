import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { farmClient } from '../adapters/farm-client.js';
import { UserError } from './errors.js';
import { parseHostRange, serveFarmShard } from './farm-shard.js';

describe('parseHostRange', () => {
  it('expands ranges keeping the zero padding, and takes names and ranges separated by commas', () => {
    expect(parseHostRange('host-0001..host-0003')).toEqual(['host-0001', 'host-0002', 'host-0003']);
    expect(parseHostRange('host-09..host-11, edge-1')).toEqual(['host-09', 'host-10', 'host-11', 'edge-1']);
    expect(parseHostRange('host-0001..host-5000')).toHaveLength(5000);
  });

  it('refuses ranges whose ends differ in prefix or width, run backwards, or name a host twice, each in one sentence', () => {
    expect(() => parseHostRange('host-01..node-02')).toThrow(/same prefix and as many digits/);
    expect(() => parseHostRange('host-1..host-10')).toThrow(/same prefix and as many digits/);
    expect(() => parseHostRange('host-05..host-01')).toThrow(/ends before it starts/);
    expect(() => parseHostRange('host-01..host-02,host-02')).toThrow('names host-02 twice');
    expect(() => parseHostRange('host-01,,host-02')).toThrow(UserError);
    expect(() => parseHostRange('a b')).toThrow(/not a host name/);
  });
});

const hosts = [
  { name: 'host-01', cores: 8, memoryMiB: 24_576 },
  { name: 'host-02', cores: 8, memoryMiB: 24_576 },
];

async function openSession(url: string, body: unknown) {
  const res = await request(`${url}/session`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return res;
}

describe('a farm shard', () => {
  it('answers with its hosts, refuses drivers before a session, then streams the events of its farm on its clock', async () => {
    const shard = await serveFarmShard({ hosts: ['host-01', 'host-02', 'host-03'] });
    const farm = farmClient(shard.url);
    try {
      expect(shard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const info = (await (await request(`${shard.url}/shard`)).body.json()) as { hosts: string[]; session: boolean };
      expect(info).toEqual({ hosts: ['host-01', 'host-02', 'host-03'], session: false });
      await expect(farm.drivers('persistent').im.monitor({ hostId: 0, hostname: 'host-01' })).rejects.toThrow(/no session/);

      const refused = await openSession(shard.url, { scale: 50, seed: 1, hosts: [{ name: 'host-09', cores: 1, memoryMiB: 1 }] });
      expect(refused.statusCode).toBe(400);
      expect(await refused.body.text()).toContain('host host-09 is not one of this shard');

      const res = await openSession(shard.url, { scale: 50, seed: 1, hosts });
      expect(res.statusCode).toBe(200);
      const lines: Array<Record<string, unknown>> = [];
      let buffered = '';
      const reading = (async () => {
        for await (const chunk of res.body) {
          buffered += (chunk as Buffer).toString();
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>);
            buffered = buffered.slice(nl + 1);
          }
        }
      })();
      const reply = await farm.drivers('persistent').im.monitor({ hostId: 0, hostname: 'host-02' });
      expect(reply).toMatchObject({ action: 'MONITOR', result: 'SUCCESS', id: 0 });
      const clock = (await (await request(`${shard.url}/clock`)).body.json()) as { now: number };
      expect(clock.now).toBeGreaterThan(0);
      // and where it lost time, as plain samples of one cumulative record
      const lost = (await (await request(`${shard.url}/lost-time`)).body.json()) as { lag: { timers: number; lostMs: number }; lost: { at: number[]; lost: number[] } };
      expect(lost.lag.timers).toBeGreaterThan(0);
      expect(lost.lost.at.length).toBe(lost.lost.lost.length);
      expect(lost.lost.lost.at(-1)).toBe(lost.lag.lostMs);

      // a crash of a host it plays is the farm's, of another host a 400
      expect((await request(`${shard.url}/crash`, { method: 'POST', body: '{"host":"host-01"}' })).statusCode).toBe(204);
      const bad = await request(`${shard.url}/crash`, { method: 'POST', body: '{"host":"host-07"}' });
      expect(bad.statusCode).toBe(400);
      expect(await bad.body.text()).toMatch(/no host named host-07/);

      // a second session replaces the first: its stream ends
      const second = await openSession(shard.url, { scale: 50, seed: 2, hosts: [hosts[0]] });
      expect(second.statusCode).toBe(200);
      await reading;
      second.body.destroy();

      expect(lines[0]).toMatchObject({ session: 1 });
      const types = lines.slice(1).map((l) => `${l['type']} ${l['host']}`);
      expect(types).toEqual(['im.start host-02', 'im.end host-02', 'host.crash host-01']);
      expect(lines.slice(1).every((l) => typeof l['t'] === 'number' && (l['t'] as number) <= clock.now + 1e6)).toBe(true);
    } finally {
      await farm.destroy();
      await shard.close();
    }
  });

  it('says in one sentence when its port is taken', async () => {
    const first = await serveFarmShard({ hosts: ['host-01'] });
    try {
      const port = Number(new URL(first.url).port);
      await expect(serveFarmShard({ hosts: ['host-01'], port })).rejects.toThrow(`--listen 127.0.0.1:${port}: the port is taken; choose another`);
    } finally {
      await first.close();
    }
  });
});
