import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { listenAddress } from './farm.js';
import { main } from './main.js';
import { servingHarness } from './test-support/serving.js';

const harness = () => servingHarness('farm');

describe('stampede farm', () => {
  it('serves the hosts --hosts names on the --listen address until SIGTERM, then ends with 0', async () => {
    const h = harness();
    const listening = h.listening();
    const exit = main(['farm', '--hosts', 'host-0001..host-0004', '--listen', '127.0.0.1:0'], h.deps);
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const info = (await (await request(`${url}/shard`)).body.json()) as { hosts: string[] };
    expect(info.hosts).toEqual(['host-0001', 'host-0002', 'host-0003', 'host-0004']);
    expect(h.stdout()).toContain('a shard of 4 hosts (host-0001 .. host-0004)');
    h.signals.emit('SIGTERM');
    expect(await exit).toBe(0);
    expect(h.stdout()).toContain('stampede farm: stopped (SIGTERM)');
  });

  it.each([
    [['farm'], "error: required option '--hosts <range>' not specified"],
    [['farm', '--hosts', 'host-05..host-01'], '--hosts "host-05..host-01": the range ends before it starts'],
    [['farm', '--hosts', 'host-01', '--listen', 'localhost:99999'], '--listen must be HOST:PORT or PORT (0 picks a free one), got "localhost:99999".'],
    [['farm', '--hosts', 'host-01', '--listen', '10.255.255.1:0'], 'stampede farm: --listen 10.255.255.1:0: not an address of this machine'],
  ])('refuses %j in one sentence with exit 2', async (argv, sentence) => {
    const h = harness();
    expect(await main(argv, h.deps)).toBe(2);
    expect(h.stderr()).toContain(sentence);
    expect(h.stderr().trim().split('\n')).toHaveLength(1);
  });

  it('reads --listen as HOST:PORT, [IPv6]:PORT or a bare PORT on 127.0.0.1', () => {
    expect(listenAddress('0.0.0.0:7070')).toEqual({ host: '0.0.0.0', port: 7070 });
    expect(listenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(listenAddress('40201')).toEqual({ host: '127.0.0.1', port: 40201 });
  });
});
