import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../opennebula/errors.js';
import { servedStack } from '../stack/test-support/served-stack.js';
import { SESSION, SMALL_VM } from '../stack/test-support/stack-fixture.js';
import type { XmlRpcServerOptions } from '../stack/xmlrpc-server.js';
import { StackFaultError, tableEndpoint, UnknownMethodError } from './endpoint.js';
import { UserError } from './errors.js';
import { parseEndpointUrl, XmlRpcClient } from './xmlrpc-client.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function served(options: Omit<XmlRpcServerOptions, 'table'> = {}) {
  const { stack, server, url } = await servedStack(options);
  const client = new XmlRpcClient(url, { connections: 4 });
  cleanups.push(() => server.close(), () => client.close());
  return { stack, server, url, client };
}

async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/RPC2`;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('XmlRpcClient', () => {
  it('calls the reference stack over the wire and gets its result arrays', async () => {
    const { client } = await served();
    await expect(client.call('one.system.version', [SESSION])).resolves.toEqual([true, '7.4.0', 0]);
    await expect(client.call('one.host.allocate', [SESSION, 'host00', 'dummy', 'dummy', -1])).resolves.toEqual([true, 0, 0]);
    await expect(client.call('one.vm.allocate', [SESSION, SMALL_VM, false])).resolves.toEqual([true, 0, 0]);
    const [ok, pool] = await client.call('one.vmpool.info', [SESSION, -2, -1, -1, -1]);
    expect(ok).toBe(true);
    expect(pool).toMatch(/^<VM_POOL><VM><ID>0<\/ID>/);
    await expect(client.call('one.vm.info', ['oneadmin:wrong', 0])).resolves.toEqual([
      false,
      "[one.vm.info] User couldn't be authenticated, aborting call.",
      ErrorCode.AUTHENTICATION,
    ]);
  });

  it('sends a burst as one system.multicall and gets one result per call, in order', async () => {
    const { client } = await served();
    const results = await client.multicall([
      { method: 'one.vm.allocate', params: [SESSION, SMALL_VM, false] },
      { method: 'one.vm.allocate', params: ['nobody:x', SMALL_VM, false] },
      { method: 'one.vm.allocate', params: [SESSION, SMALL_VM, true] },
    ]);
    expect(results.map((r) => r.slice(0, 2))).toEqual([[true, 0], [false, "[one.vm.allocate] User couldn't be authenticated, aborting call."], [true, 1]]);
  });

  it('rejects an unknown method the same way over the wire as in process', async () => {
    const { stack, client, url } = await served();
    const wire = await rejection(client.call('one.vm.fly', [SESSION]));
    const embedded = await rejection(tableEndpoint(stack.api.table).call('one.vm.fly', [SESSION]));
    expect(wire).toBeInstanceOf(UnknownMethodError);
    expect(embedded).toBeInstanceOf(UnknownMethodError);
    expect(wire.message).toBe(`the stack at ${url} does not offer the XML-RPC method "one.vm.fly"`);
    expect(embedded.message).toBe('the stack does not offer the XML-RPC method "one.vm.fly"');
    const inMulticall = await rejection(client.multicall([{ method: 'one.vm.fly', params: [] }]));
    expect(inMulticall).toBeInstanceOf(UnknownMethodError);
  });

  it('turns a fault into a StackFaultError with its code', async () => {
    const { client, url } = await served();
    const error = await rejection(client.request('system.multicall', ['not an array']));
    expect(error).toBeInstanceOf(StackFaultError);
    expect((error as StackFaultError).code).toBe(-501);
    expect(error.message).toMatch(new RegExp(`^the stack at ${url} answered system.multicall with XML-RPC fault -501: `));
  });

  it('names the URL when nothing answers there', async () => {
    const { server, url } = await served();
    await server.close();
    const client = new XmlRpcClient(url);
    cleanups.push(() => client.close());
    const error = await rejection(client.call('one.system.version', [SESSION]));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`the stack at ${url} does not answer: ECONNREFUSED`);
  });

  it('names the URL and the status when the answer is an HTTP error or not XML-RPC', async () => {
    const { url } = await served({ messageSize: 64 });
    const small = new XmlRpcClient(url);
    cleanups.push(() => small.close());
    const tooLarge = await rejection(small.call('one.vm.allocate', [SESSION, 'x'.repeat(100), false]));
    expect(tooLarge.message).toMatch(new RegExp(`^the stack at ${url} answered one.vm.allocate with HTTP 413: the request is larger than MESSAGE_SIZE`));

    const junkUrl = await rawServer((_req, res) => res.end('<html>hello</html>'));
    const junk = new XmlRpcClient(junkUrl);
    cleanups.push(() => junk.close());
    const notRpc = await rejection(junk.call('one.system.version', [SESSION]));
    expect(notRpc).toBeInstanceOf(UserError);
    expect(notRpc.message).toMatch(new RegExp(`^the stack at ${junkUrl} answered one.system.version with an XML-RPC document is malformed: expected <methodResponse>, found <html>`));

    const notResultUrl = await rawServer((_req, res) => res.end('<methodResponse><params><param><value>7.4.0</value></param></params></methodResponse>'));
    const notResult = new XmlRpcClient(notResultUrl);
    cleanups.push(() => notResult.close());
    await expect(notResult.call('one.system.version', [SESSION])).rejects.toThrow(
      `the stack at ${notResultUrl} answered one.system.version with something other than an OpenNebula result array`,
    );
  });

  it('refuses a URL that is no http URL, or that carries credentials, in one sentence', () => {
    expect(() => parseEndpointUrl('localhost:2633')).toThrow('the stack URL "localhost:2633" is not an http or https URL (expected http://HOST:PORT/RPC2)');
    expect(() => parseEndpointUrl('nonsense')).toThrow('the stack URL "nonsense" is not a URL (expected http://HOST:PORT/RPC2)');
    expect(() => parseEndpointUrl('http://oneadmin:pw@127.0.0.1:2633/RPC2')).toThrow('must not carry credentials');
  });
});
