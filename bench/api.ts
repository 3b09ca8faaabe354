/**
 * The XML-RPC API's speed, as figures (no assertions): the codec alone, and the reference stack
 * served by `stampede stack` in its own process, called over loopback by XmlRpcClient.
 *
 *   npm run build && npx tsx bench/api.ts [codec] [allocate] [vmpool] [--rounds 5]
 *
 *   codec     tinybench, process CPU ms per operation: a one.vm.allocate call and its answer,
 *             a 5 MB one.vmpool.info answer (about a million escaped characters) each way
 *   allocate  10,000 one.vm.allocate, 256 at once, over one Pool: calls per second
 *   vmpool    one.vmpool.info of 20,000 VMs end to end (send, serve, render, read): ms and MB
 *
 * The stack runs with API service times of 0 (optimized otherwise: MAX_CONN 240, KEEPALIVE_MAX_CONN
 * 30), so the figures are the wire's and the stack's own CPU, not emulated waits. Each load figure
 * is the median of --rounds runs, each on a fresh stack process; on a shared machine read the
 * median and the spread, never one run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { XmlRpcClient } from '../harness/xmlrpc-client.js';
import { startStack, stopStack } from './stack-child.js';
import { decodeCall, decodeResponse, encodeCall, encodeResponse } from '../opennebula/xmlrpc.js';

const root = new URL('..', import.meta.url).pathname;
const SESSION = 'oneadmin:oneadmin';
const TEMPLATE = 'NAME = bench\nCPU = 0.25\nVCPU = 1\nMEMORY = 512\nDISK = [ IMAGE_ID = 0 ]\n';
const INSTANT = "profile={extends: optimized, api: {callMs: 0, methodMs: {one.vm.allocate: 0, one.template.instantiate: 0}, poolObjectMs: 0}}";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const wanted = positionals.length > 0 ? positionals : ['codec', 'allocate', 'vmpool'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], digits = 0): string => `median ${median(xs).toFixed(digits)} (runs: ${xs.map((x) => x.toFixed(digits)).join(', ')})`;

async function codec(): Promise<void> {
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const sample = readFileSync(join(root, 'opennebula/test-support/samples/vmpool-info.xml'), 'utf8');
  const vms = sample.slice('<VM_POOL>'.length, -'</VM_POOL>'.length);
  // 5 MB on the wire, escaped: each VM's XML grows by its &lt; and &gt;
  const pool = `<VM_POOL>${vms.repeat(Math.ceil((5 * 1024 * 1024) / encodeResponse(vms).length))}</VM_POOL>`;
  const big = encodeResponse([true, pool, 0]);
  const call = encodeCall('one.vm.allocate', [SESSION, TEMPLATE, false]);
  const bench = new Bench({ now: cpuNow, time: 500, warmupTime: 100 });
  bench
    .add('encode one.vm.allocate call', () => void encodeCall('one.vm.allocate', [SESSION, TEMPLATE, false]))
    .add('decode one.vm.allocate call', () => void decodeCall(call))
    .add('encode + decode its answer', () => void decodeResponse(encodeResponse([true, 4242, 0])))
    .add(`encode a ${(big.length / 2 ** 20).toFixed(1)} MB vmpool.info answer`, () => void encodeResponse([true, pool, 0]))
    .add(`decode a ${(big.length / 2 ** 20).toFixed(1)} MB vmpool.info answer`, () => void decodeResponse(big));
  await bench.run();
  console.log('codec (process CPU per operation, median of tinybench samples):');
  for (const task of bench.tasks) {
    const r = task.result as { latency?: { p50?: number }; period?: number } | undefined;
    const ms = r?.latency?.p50 ?? r?.period ?? Number.NaN;
    console.log(`  ${task.name.padEnd(40)} ${ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(1)} ms`}`);
  }
}

async function allocate(): Promise<void> {
  const N = 10_000;
  const CONCURRENT = 256;
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { url, child } = await startStack(['--set', INSTANT]);
    // 256 requests in flight over at most MAX_CONN (240, the optimized profile) connections: a
    // connection past oned's limit waits out the keep-alive timeout and would measure that instead.
    const client = new XmlRpcClient(url, { connections: 240 });
    try {
      await client.call('one.system.version', [SESSION]);
      let sent = 0;
      const worker = async (): Promise<void> => {
        while (sent < N) {
          sent++;
          const [ok] = await client.call('one.vm.allocate', [SESSION, TEMPLATE, false]);
          if (!ok) throw new Error('allocate refused');
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: CONCURRENT }, worker));
      rates.push(N / ((performance.now() - t0) / 1000));
    } finally {
      await client.close();
      await stopStack(child);
    }
  }
  console.log(`allocate: ${N.toLocaleString('en')} one.vm.allocate, ${CONCURRENT} at once, calls/s: ${spread(rates)}`);
}

async function vmpool(): Promise<void> {
  const VMS = 20_000;
  const BATCH = 500;
  const times: number[] = [];
  const decodes: number[] = [];
  let mb = 0;
  const { url, child } = await startStack(['--set', INSTANT]);
  const client = new XmlRpcClient(url, { connections: 8 });
  try {
    for (let i = 0; i < VMS; i += BATCH) {
      await client.multicall(Array.from({ length: BATCH }, () => ({ method: 'one.vm.allocate', params: [SESSION, TEMPLATE, false] })));
    }
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const [ok, xml] = await client.call('one.vmpool.info', [SESSION, -2, -1, -1, -1]);
      times.push(performance.now() - t0);
      if (!ok || typeof xml !== 'string') throw new Error('vmpool.info refused');
      mb = Buffer.byteLength(encodeResponse([true, xml, 0])) / 2 ** 20;
      const d0 = performance.now();
      decodeResponse(encodeResponse([true, xml, 0]));
      decodes.push(performance.now() - d0);
    }
  } finally {
    await client.close();
    await stopStack(child);
  }
  console.log(`vmpool: one.vmpool.info of ${VMS.toLocaleString('en')} VMs (${mb.toFixed(1)} MB on the wire), end to end ms: ${spread(times)}`);
  console.log(`        of which encode + decode of that answer in this process, ms: ${spread(decodes)}`);
}

for (const name of wanted) {
  if (name === 'codec') await codec();
  else if (name === 'allocate') await allocate();
  else if (name === 'vmpool') await vmpool();
  else throw new Error(`unknown bench "${name}"; known: codec, allocate, vmpool`);
}
