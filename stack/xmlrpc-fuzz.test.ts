/**
 * 10,000 generated requests that are malformed, oversized or mistyped, sent over the wire to the
 * reference stack's XML-RPC server: it must answer every one (a fault, one of OpenNebula's error
 * arrays, or 413 for a body beyond MESSAGE_SIZE), never crash, and serve a normal call after.
 * The generator is seeded: a failure names the seed and the request that broke it.
 */
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeCall, type XmlRpcValue } from '../opennebula/xmlrpc.js';
import { servedStack } from './test-support/served-stack.js';
import { SESSION, SMALL_VM } from './test-support/stack-fixture.js';

const SEED = 20261201;
const MESSAGE_SIZE = 16 * 1024;

type Kind = 'malformed' | 'oversized' | 'mistyped' | 'refused';
interface Probe {
  kind: Kind;
  body: Buffer;
}

const VALID: Array<[string, XmlRpcValue[]]> = [
  ['one.system.version', [SESSION]],
  ['one.vm.allocate', [SESSION, SMALL_VM, false]],
  ['one.vmpool.info', [SESSION, -2, -1, -1, -1]],
  ['one.host.allocate', [SESSION, 'fuzz-host', 'dummy', 'dummy', -1]],
  ['system.multicall', [[{ methodName: 'one.vm.info', params: [SESSION, 0] }]]],
];
const validDoc = fc.constantFrom(...VALID.map(([m, p]) => encodeCall(m, p)));

/** Documents no strict reader accepts: each mutation below is malformed wherever it lands. */
const malformed: fc.Arbitrary<Buffer> = fc.oneof(
  // a strict prefix: the document ends early or inside a tag
  validDoc.chain((d) => fc.nat({ max: d.length - 1 }).map((n) => Buffer.from(d.slice(0, n)))),
  // one character XML refuses there, anywhere
  validDoc.chain((d) =>
    fc.tuple(fc.nat({ max: d.length }), fc.constantFrom('<', '&', '\u0001', '\u0000', '\ufffe', '\u001b')).map(([at, c]) => Buffer.from(d.slice(0, at) + c + d.slice(at))),
  ),
  // a byte that is not UTF-8
  validDoc.chain((d) => fc.tuple(fc.nat({ max: d.length }), fc.constantFrom(0xff, 0xc0, 0x80)).map(([at, b]) => {
    const bytes = Buffer.from(d);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([b]), bytes.subarray(at)]);
  })),
  // an entity expansion attempt
  validDoc.map((d) => Buffer.from(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>${d.replace(/^<\?xml[^>]*>\n?/, '')}`)),
  // nesting beyond xmlrpc-c's limit
  fc.integer({ min: 65, max: 200 }).map((n) =>
    Buffer.from(`<methodCall><methodName>one.vm.info</methodName><params><param>${'<value><array><data>'.repeat(n)}${'</data></array></value>'.repeat(n)}</param></params></methodCall>`),
  ),
  // an unknown type, an int beyond 32 bits, a boolean that is not 0/1
  fc.constantFrom('<float>1</float>', '<int>2147483648</int>', '<i4>1.0</i4>', '<boolean>yes</boolean>', '<i8>99999999999999999999</i8>', '<double>NaN</double>').map((v) =>
    Buffer.from(`<methodCall><methodName>one.vm.info</methodName><params><param><value><string>${SESSION}</string></value></param><param><value>${v}</value></param></params></methodCall>`),
  ),
  // noise
  fc.uint8Array({ minLength: 0, maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => Buffer.from(`<methodCall>${s}`)),
);

/** A value of any type but `type`. */
const wrongFor = (type: 'int' | 'string' | 'boolean'): fc.Arbitrary<XmlRpcValue> =>
  fc.oneof(
    ...(type === 'int' ? [] : [fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })]),
    ...(type === 'string' ? [] : [fc.string({ maxLength: 20 })]),
    ...(type === 'boolean' ? [] : [fc.boolean()]),
    ...(type === 'int' ? [fc.integer({ min: 2 ** 31, max: 2 ** 50 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d))] : []),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  );

/** A real method with one of its parameters (session included) of the wrong type: fault -501. */
const SIGNATURES: Array<[string, Array<'int' | 'string' | 'boolean'>, XmlRpcValue[]]> = [
  ['one.vm.info', ['string', 'int'], [SESSION, 0]],
  ['one.vm.allocate', ['string', 'string', 'boolean'], [SESSION, SMALL_VM, false]],
  ['one.vmpool.info', ['string', 'int', 'int', 'int', 'int'], [SESSION, -2, -1, -1, -1]],
  ['one.host.allocate', ['string', 'string', 'string', 'string', 'int'], [SESSION, 'h', 'dummy', 'dummy', -1]],
  ['one.vm.action', ['string', 'string', 'int'], [SESSION, 'terminate', 0]],
  ['one.host.info', ['string', 'int'], [SESSION, 0]],
];
const mistyped: fc.Arbitrary<Buffer> = fc
  .constantFrom(...SIGNATURES)
  .chain(([method, types, good]) =>
    fc.nat({ max: types.length - 1 }).chain((i) => wrongFor(types[i]!).map((bad) => Buffer.from(encodeCall(method, good.map((g, j) => (j === i ? bad : g)))))),
  );

/** Well-formed calls oned refuses: a method it lacks (fault -506), a wrong session (0x0100). */
const refused: fc.Arbitrary<Buffer> = fc.oneof(
  fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}\.[a-z]{1,8}$/).filter((m) => !m.startsWith('one.')).map((m) => Buffer.from(encodeCall(m, [SESSION]))),
  fc.tuple(fc.constantFrom(...VALID.slice(0, 4)), fc.string({ maxLength: 30 }).filter((s) => s !== SESSION)).map(([[m, p], session]) => Buffer.from(encodeCall(m, [session, ...p.slice(1)]))),
);

const oversized: fc.Arbitrary<Buffer> = fc.integer({ min: MESSAGE_SIZE + 1, max: 8 * MESSAGE_SIZE }).map((n) => {
  const doc = encodeCall('one.vm.allocate', [SESSION, `NAME = "${'x'.repeat(n)}"`, false]);
  return Buffer.from(doc);
});

function probes(): Probe[] {
  const take = (kind: Kind, arb: fc.Arbitrary<Buffer>, n: number, seed: number): Probe[] =>
    fc.sample(arb, { numRuns: n, seed }).map((body) => ({ kind, body }));
  return [
    ...take('malformed', malformed, 5000, SEED),
    ...take('mistyped', mistyped, 3300, SEED + 1),
    ...take('refused', refused, 1500, SEED + 2),
    ...take('oversized', oversized, 200, SEED + 3),
  ];
}

let served: Awaited<ReturnType<typeof servedStack>>;
let pool: Pool;
beforeAll(async () => {
  served = await servedStack({ messageSize: MESSAGE_SIZE });
  pool = new Pool(new URL(served.url).origin, { connections: 16 });
});
afterAll(async () => {
  await pool.close();
  await served.close();
});

async function send(body: Buffer): Promise<{ status: number; text: string }> {
  const res = await pool.request({ path: '/RPC2', method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  return { status: res.statusCode, text: await res.body.text() };
}

describe('the XML-RPC server under fuzzing', () => {
  it(`answers 10,000 malformed, oversized and mistyped requests (seed ${SEED}) and then a normal one`, async () => {
    const all = probes();
    expect(all).toHaveLength(10_000);
    const seen: Record<string, number> = {};
    const wrong: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < all.length) {
        const index = next++;
        const { kind, body } = all[index]!;
        let verdict: string;
        try {
          const { status, text } = await send(body);
          if (status === 413) verdict = 'http 413';
          else if (status !== 200) verdict = `http ${status}`;
          else {
            const answer = decodeResponse(text);
            verdict = 'fault' in answer ? `fault ${answer.fault.code}` : Array.isArray(answer.value) && answer.value[0] === false ? `error array ${answer.value[2]}` : 'success';
          }
        } catch (error) {
          verdict = `no answer (${(error as Error).message})`;
        }
        seen[`${kind}: ${verdict}`] = (seen[`${kind}: ${verdict}`] ?? 0) + 1;
        const expected =
          kind === 'oversized' ? verdict === 'http 413' : kind === 'mistyped' ? verdict === 'fault -501' : kind === 'malformed' ? /^fault -50[13]$|^fault -509$/.test(verdict) : /^fault -506$|^error array 256$/.test(verdict);
        if (!expected && wrong.length < 5) wrong.push(`request ${index} (${kind}, seed ${SEED}) got ${verdict}: ${JSON.stringify(body.toString('latin1').slice(0, 300))}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(wrong).toEqual([]);
    expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBe(10_000);
    // every kind was exercised, and malformed bodies met both the parser's and the UTF-8 check
    expect(Object.keys(seen).sort()).toEqual(expect.arrayContaining(['malformed: fault -503', 'mistyped: fault -501', 'oversized: http 413', 'refused: error array 256', 'refused: fault -506']));
    const after = decodeResponse((await send(Buffer.from(encodeCall('one.vm.allocate', [SESSION, SMALL_VM, false])))).text);
    expect(after).toEqual({ value: [true, 0, 0] }); // no fuzzed request allocated anything
    expect(served.server.connections().waiting).toBe(0);
  }, 300_000);
});
