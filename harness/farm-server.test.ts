import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { farmClient, FarmUnreachableError } from '../adapters/farm-client.js';
import { success, type Drivers } from '../opennebula/driver.js';
import { serveFarm, type FarmServer } from './farm-server.js';

const toyFarm = (transports: string[]) => ({ transport }: { transport: string }): Drivers => {
  transports.push(transport);
  return {
    tm: { transfer: async (r) => success('TRANSFER', r.vmId) },
    vmm: { execute: async (r) => success(r.action, r.vmId, `one-${r.vmId}`) },
    im: { monitor: async (r) => success('MONITOR', r.hostId, `HOSTNAME=${r.hostname}`) },
  };
};

let server: FarmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the host farm over HTTP', () => {
  it('answers each driver action with its MAD reply, a keep-alive pool for persistent, a connection per action for ssh', async () => {
    const transports: string[] = [];
    server = await serveFarm({ launcher: toyFarm(transports) });
    let connections = 0;
    const count = async (transport: 'ssh' | 'persistent'): Promise<number> => {
      const before = connections;
      const client = farmClient(server!.url);
      try {
        const d = client.drivers(transport);
        for (let id = 0; id < 25; id += 1) {
          expect(await d.vmm.execute({ action: 'DEPLOY', vmId: id, host: 'h', deployId: '', vm: { id, name: 'v', cpu: 1, vcpu: 1, memoryMiB: 1, disks: [] } })).toEqual(
            success('DEPLOY', id, `one-${id}`),
          );
        }
        expect(await d.im.monitor({ hostId: 3, hostname: 'h3' })).toEqual(success('MONITOR', 3, 'HOSTNAME=h3'));
        expect(await d.tm.transfer({ vmId: 9, op: 'prolog', lines: [] })).toEqual(success('TRANSFER', 9));
      } finally {
        await client.close();
      }
      return connections - before;
    };
    server.onConnection(() => (connections += 1));
    // keep-alive: a connection or two for 27 actions (undici may open a second one while the
    // first is being handed back after a reply), against one per action for ssh
    expect(await count('persistent')).toBeLessThanOrEqual(2);
    expect(await count('ssh')).toBe(27);
    expect(transports).toEqual(['persistent', 'ssh']);
  });

  it('collects NET-MSGs, and refuses what it cannot read with one sentence', async () => {
    const got: unknown[] = [];
    server = await serveFarm({ launcher: toyFarm([]), onNetMsg: (m) => got.push(m) });
    const post = async (path: string, body: string) => {
      const r = await request(`${server!.url}${path}`, { method: 'POST', body });
      return [r.statusCode, (await r.body.text()).trim()];
    };
    expect(await post('/net-msg', '{"vmId":4,"host":"host-01"}')).toEqual([204, '']);
    expect(got).toEqual([{ vmId: 4, host: 'host-01' }]);
    expect(await post('/vmm', 'nope')).toEqual([400, 'the body is not JSON']);
    expect(await post('/vmm', '{"transport":"telnet","request":{}}')).toEqual([400, 'transport must be ssh or persistent, not "telnet"']);
    expect(await post('/reboot', '{}')).toEqual([404, 'no POST /reboot here: POST /tm, /vmm, /im or /net-msg']);
  });

  it('a driver whose farm is gone fails the action with a sentence naming the farm', async () => {
    server = await serveFarm({ launcher: toyFarm([]) });
    const url = server.url;
    await server.close();
    server = undefined;
    const client = farmClient(url);
    try {
      await expect(client.drivers('persistent').im.monitor({ hostId: 0, hostname: 'h' })).rejects.toThrow(FarmUnreachableError);
      await expect(client.drivers('persistent').im.monitor({ hostId: 0, hostname: 'h' })).rejects.toThrow(`cannot reach the host farm at ${url}`);
    } finally {
      await client.close();
    }
  });
});
