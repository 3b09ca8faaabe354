import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeResponse, encodeCall, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import { servedStack } from './test-support/served-stack.js';
import { SESSION, SMALL_VM } from './test-support/stack-fixture.js';
import { XmlRpcServer, type XmlRpcServerOptions } from './xmlrpc-server.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function served(options: Omit<XmlRpcServerOptions, 'table'> = {}) {
  const s = await servedStack(options);
  cleanups.push(s.close);
  return s;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on a connection of its own, as raw as a test needs. */
function post(url: string, body: string | Buffer, options: { method?: string; path?: string } = {}): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: options.path ?? target.pathname, method: options.method ?? 'POST', agent: false, headers: { 'content-type': 'text/xml' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.method === 'GET' ? undefined : body);
  });
}

const call = (method: string, ...params: XmlRpcValue[]) => encodeCall(method, params);

async function rpc(url: string, method: string, ...params: XmlRpcValue[]) {
  const answer = await post(url, call(method, ...params));
  expect(answer.status).toBe(200);
  return decodeResponse(answer.body);
}

describe('the XML-RPC server', () => {
  it('answers values and faults with HTTP 200, with the codes xmlrpc-c uses', async () => {
    const { url } = await served();
    expect(await rpc(url, 'one.system.version', SESSION)).toEqual({ value: [true, '7.4.0', 0] });
    expect(await rpc(url, 'one.vm.fly', SESSION)).toEqual({ fault: { code: -506, message: "Method 'one.vm.fly' not defined" } });
    expect(await rpc(url, 'one.vm.info', SESSION, 'zero')).toEqual({
      fault: { code: -501, message: '[one.vm.info] Parameter 2 (id) must be an int, got the string "zero".' },
    });
    // OpenNebula's own refusals stay result arrays
    expect(await rpc(url, 'one.vm.info', SESSION, 7)).toEqual({ value: [false, '[one.vm.info] Error getting virtual machine [7].', 0x0400] });
    const malformed = await post(url, '<methodCall><methodName>one.system.version</methodName><params>');
    expect(malformed.status).toBe(200);
    expect(decodeResponse(malformed.body)).toEqual({ fault: { code: -503, message: expect.stringMatching(/^the XML-RPC document is malformed: the document ends early/) } });
    const latin1 = await post(url, Buffer.from('<methodCall><methodName>caf\xe9</methodName></methodCall>', 'latin1'));
    expect(decodeResponse(latin1.body)).toEqual({ fault: { code: -503, message: 'the XML-RPC document is not UTF-8' } });
  });

  it('refuses every call of a wrong session with 0x0100, multicall included', async () => {
    const { url } = await served();
    for (const method of ['one.system.version', 'one.vmpool.info', 'one.host.allocate']) {
      const answer = await rpc(url, method, 'oneadmin:nope', -2, -1, -1, -1);
      expect(answer).toEqual({ value: [false, `[${method}] User couldn't be authenticated, aborting call.`, 0x0100] });
    }
    expect(await rpc(url, 'system.multicall', [{ methodName: 'one.vm.allocate', params: ['oneadmin:nope', SMALL_VM] }])).toEqual({
      value: [[[false, "[one.vm.allocate] User couldn't be authenticated, aborting call.", 0x0100]]],
    });
  });

  it('answers a body beyond MESSAGE_SIZE with 413 and closes, whether the length is declared or not', async () => {
    const { url } = await served({ messageSize: 1000 });
    const declared = await post(url, call('one.vm.allocate', SESSION, 'x'.repeat(2000)));
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    expect(declared.body).toBe('the request is larger than MESSAGE_SIZE (1000 bytes)\n');
    const chunked = await new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      const req = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('<!-- ' + 'y'.repeat(100) + ' -->');
      req.end();
    });
    expect(chunked).toBe(413);
    expect(await rpc(url, 'one.system.version', SESSION)).toEqual({ value: [true, '7.4.0', 0] });
  });

  it('serves POST at /RPC2 only', async () => {
    const { url } = await served();
    const get = await post(url, '', { method: 'GET' });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    expect((await post(url, call('one.system.version', SESSION), { path: '/' })).status).toBe(404);
  });

  it('answers the GET routes it is given with JSON, and nothing else by GET', async () => {
    let reads = 0;
    const { url } = await served({ get: { '/stampede/clock': () => ({ now: ++reads }) } });
    const clock = await post(url, '', { method: 'GET', path: '/stampede/clock?x=1' });
    expect([clock.status, clock.headers['content-type'], JSON.parse(clock.body)]).toEqual([200, 'application/json', { now: 1 }]);
    for (const path of ['/stampede/clocks', '/constructor', '/RPC2']) expect((await post(url, '', { method: 'GET', path })).status, path).toBe(405);
    expect((await post(url, '', { method: 'POST', path: '/stampede/clock' })).status).toBe(404);
  });

  it('carries real oned documents byte for byte, and says so for every sample', async () => {
    const samples = ['host-info.xml', 'vm-info.xml', 'vm-info-pending.xml', 'vmpool-info.xml'].map((name) =>
      readFileSync(new URL(`../opennebula/test-support/samples/${name}`, import.meta.url), 'utf8'),
    );
    const server = new XmlRpcServer({ table: new Map([['test.sample', ([i]) => [true, samples[i as number]!, 0]]]) });
    const url = await server.listen(0);
    cleanups.push(() => server.close());
    for (const [i, sample] of samples.entries()) {
      const answer = await post(url, call('test.sample', i));
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      expect(decodeResponse(answer.body)).toEqual({ value: [true, sample, 0] });
    }
  });

  it('serves MAX_CONN connections at once; the next waits, accepted, until one closes', async () => {
    const { url, server } = await served({ maxConn: 1 });
    const { port } = new URL(url);
    const open = async (): Promise<Socket> => {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      cleanups.push(() => void socket.destroy());
      return socket;
    };
    const ask = (socket: Socket): Promise<string> => {
      const body = call('one.system.version', SESSION);
      socket.write(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return new Promise((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    };
    const turn = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise((resolve) => setImmediate(resolve));
    };
    const first = await open();
    expect(await ask(first)).toMatch(/^HTTP\/1.1 200/);
    const second = await open();
    let secondAnswered = false;
    const secondAnswer = ask(second).then((text) => ((secondAnswered = true), text));
    await turn(() => server.connections().waiting === 1);
    expect(server.connections()).toEqual({ serving: 1, waiting: 1 });
    expect(await ask(first)).toMatch(/^HTTP\/1.1 200/); // the first is still served...
    expect(secondAnswered).toBe(false); // ...and the second still waits
    first.destroy();
    expect(await secondAnswer).toMatch(/^HTTP\/1.1 200/);
    expect(server.connections()).toEqual({ serving: 1, waiting: 0 });
  });
});
