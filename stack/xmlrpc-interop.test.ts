/**
 * Interoperability: the clients our users already have call the reference stack over the wire
 * and get OpenNebula-shaped answers: Python's xmlrpc.client (what OpenNebula's own Python tools
 * use) and the `xmlrpc` npm package. The XML documents they receive validate against
 * OpenNebula's XSDs.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import xmlrpc from 'xmlrpc';
import { validateXsd } from '../opennebula/test-support/xsd.js';
import { servedStack } from './test-support/served-stack.js';
import { SESSION, SMALL_VM } from './test-support/stack-fixture.js';

const AUTH_FAILED = 0x0100;

let served: Awaited<ReturnType<typeof servedStack>>;
beforeAll(async () => {
  served = await servedStack();
});
afterAll(() => served.close());

/** What each client reports, in the same shape: the answers of five calls. */
interface Answers {
  version: unknown[];
  host: unknown[];
  vm: unknown[];
  pool: unknown[];
  hostInfo: unknown[];
  multicall: unknown[];
  denied: unknown[];
}

async function expectOpenNebulaAnswers(a: Answers): Promise<void> {
  expect(a.version).toEqual([true, '7.4.0', 0]);
  expect(a.host).toEqual([true, expect.any(Number), 0]);
  expect(a.vm).toEqual([true, expect.any(Number), 0]);
  expect(a.pool.slice(0, 1)).toEqual([true]);
  expect(a.pool[1]).toContain(`<VM><ID>${a.vm[1]}</ID>`);
  expect(await validateXsd(a.pool[1] as string, 'vm_pool')).toEqual({ valid: true, errors: [] });
  expect(a.hostInfo[0]).toBe(true);
  expect(await validateXsd(a.hostInfo[1] as string, 'host')).toEqual({ valid: true, errors: [] });
  expect(a.multicall).toEqual([
    [[true, '7.4.0', 0]],
    [[true, (a.vm[1] as number) + 1, 0]],
    { faultCode: -506, faultString: "Method 'one.vm.fly' not defined" },
  ]);
  expect(a.denied).toEqual([false, "[one.vmpool.info] User couldn't be authenticated, aborting call.", AUTH_FAILED]);
}

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const PYTHON_SCRIPT = String.raw`
import json, sys, xmlrpc.client
url, session, template, host = sys.argv[1:5]
one = xmlrpc.client.ServerProxy(url)
out = {}
out["version"] = one.one.system.version(session)
out["host"] = one.one.host.allocate(session, host, "dummy", "dummy", -1)
out["vm"] = one.one.vm.allocate(session, template, False)
out["pool"] = one.one.vmpool.info(session, -2, -1, -1, -1)
out["hostInfo"] = one.one.host.info(session, out["host"][1])
mc = xmlrpc.client.MultiCall(one)
mc.one.system.version(session)
mc.one.vm.allocate(session, template, False)
mc.one.vm.fly(session)
raw = mc().results
out["multicall"] = raw
out["denied"] = one.one.vmpool.info("oneadmin:wrong", -2, -1, -1, -1)
json.dump(out, sys.stdout)
`;

describe('interoperability over the wire', () => {
  it.skipIf(python.status !== 0)("Python's xmlrpc.client (skipped only when python3 is absent)", async () => {
    // not spawnSync: the server answering Python runs on this process's event loop
    const run = await promisify(execFile)('python3', ['-c', PYTHON_SCRIPT, served.url, SESSION, SMALL_VM, 'py-host'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    await expectOpenNebulaAnswers(JSON.parse(run.stdout) as Answers);
  });

  it('the xmlrpc npm package', async () => {
    const { port, hostname, pathname } = new URL(served.url);
    const client = xmlrpc.createClient({ host: hostname, port: Number(port), path: pathname });
    const call = (method: string, ...params: unknown[]) =>
      new Promise<unknown[]>((resolve, reject) => client.methodCall(method, params, (error, value) => (error ? reject(error) : resolve(value as unknown[]))));
    const version = await call('one.system.version', SESSION);
    const host = await call('one.host.allocate', SESSION, 'npm-host', 'dummy', 'dummy', -1);
    const vm = await call('one.vm.allocate', SESSION, SMALL_VM, false);
    const pool = await call('one.vmpool.info', SESSION, -2, -1, -1, -1);
    const hostInfo = await call('one.host.info', SESSION, host[1]);
    const multicall = await call('system.multicall', [
      { methodName: 'one.system.version', params: [SESSION] },
      { methodName: 'one.vm.allocate', params: [SESSION, SMALL_VM, false] },
      { methodName: 'one.vm.fly', params: [SESSION] },
    ]);
    const denied = await call('one.vmpool.info', 'oneadmin:wrong', -2, -1, -1, -1);
    await expectOpenNebulaAnswers({ version, host, vm, pool, hostInfo, multicall, denied });
  });
});
