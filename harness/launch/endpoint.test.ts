import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { run } from '../run.js';
import { resolveScenario } from '../scenario.js';
import { StampedeChild } from '../test-support/mad-child.js';
import { XmlRpcClient } from '../xmlrpc-client.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-endpoint-'));
  await writeFile(join(dir, 'one_auth'), 'oneadmin:oneadmin\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('launch mode endpoint', () => {
  it('runs against `stampede stack` started on its own, its drivers finding the farm through a file; removes what it created', async () => {
    const farmFile = join(dir, 'farm.url');
    const stack = new StampedeChild(['stack', '--port', '0', '--set', 'clock=scaled:20', '--farm-file', farmFile]);
    try {
      const line = await stack.next((l) => / serves http:/.test(l));
      const url = /serves (\S+)/.exec(line)![1]!;
      const launch = { mode: 'endpoint', url, auth: join(dir, 'one_auth'), farmFile };
      const result = await run(resolveScenario({ launch, clock: 'scaled:20', hosts: { count: 2 }, vms: { count: 4 }, budgets: { failed: '== 0' } }));
      expect(result.vms).toMatchObject({ requested: 4, up: 4, failed: 0 });
      const client = new XmlRpcClient(url);
      try {
        const hosts = await client.call('one.hostpool.info', ['oneadmin:oneadmin']);
        expect(hosts[1]).not.toContain('<HOST>');
        const vms = await client.call('one.vmpool.info', ['oneadmin:oneadmin', -2, -1, -1, -2]);
        expect(String(vms[1]).match(/<STATE>6<\/STATE>/g)).toHaveLength(4);
      } finally {
        await client.close();
      }
    } finally {
      await stack.stop();
    }
  }, 480_000);

  it('an endpoint it cannot reach is one sentence naming it', async () => {
    const launch = { mode: 'endpoint', url: 'http://127.0.0.1:1/RPC2', auth: join(dir, 'one_auth') };
    const attempt = run(resolveScenario({ launch, clock: 'scaled:20', vms: { count: 1 } }));
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/http:\/\/127\.0\.0\.1:1\/RPC2/);
  }, 60_000);
});
