/**
 * The real oned beside the reference stack, through stampede's own client (XmlRpcClient), as
 * figures (no assertions): one.vm.allocate calls per second and one.vmpool.info latency as the VM
 * pool grows to 500, 2,000 and 10,000 VMs.
 *
 *   npm run build && npx tsx bench/opennebula.ts [--sizes 500,2000,10000] [--rounds 3] [--budget 600]
 *
 * real       OpenNebula 7.5.80 from the bundle (harness/test-support/opennebula-bundle.ts), its own
 *            dummy drivers, oned's defaults (MAX_CONN 15): the client keeps 15 connections
 * reference  `stampede stack` from dist/ with profile opennebula-7.5 (its emulated API service
 *            times included, as a run sees them), the same 15 connections
 *
 * The VMs are allocated on hold (`one.vm.allocate(template, true)`), so no scheduler or driver
 * works meanwhile: the pool grows and nothing else moves. At each size: the allocate rate of the
 * VMs that brought the pool there (15 calls in flight), then one.vmpool.info of the whole pool
 * (all users, any state but DONE), `--rounds` times: the median and every run. A size the real
 * oned does not reach within `--budget` seconds of allocating is reported as not reached.
 * The bundle's binaries are not optimized builds (no -O): these are the endpoint's figures, not
 * OpenNebula's best.
 */
import { parseArgs } from 'node:util';
import { bundleUnavailable, startOpenNebula } from '../harness/test-support/opennebula-bundle.js';
import { XmlRpcClient } from '../harness/xmlrpc-client.js';
import { startStack, stopStack } from './stack-child.js';

const SESSION = 'oneadmin:oneadmin';
const TEMPLATE = 'NAME = bench\nCPU = 0.25\nVCPU = 1\nMEMORY = 512\nDISK = [ IMAGE_ID = 0 ]\n';
const CONNECTIONS = 15;

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '500,2000,10000' }, rounds: { type: 'string', default: '3' }, budget: { type: 'string', default: '600' } } });
const sizes = values.sizes.split(',').map(Number);
const rounds = Number(values.rounds);
const budgetMs = Number(values.budget) * 1000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Figures {
  size: number;
  /** allocate calls per second growing the pool to this size; null: not reached */
  allocatePerS: number | null;
  vmpoolMs: number[];
}

/** Grows the pool at `url` through the sizes, measuring as it goes. */
async function measure(url: string): Promise<Figures[]> {
  const client = new XmlRpcClient(url, { connections: CONNECTIONS });
  const out: Figures[] = [];
  const started = performance.now();
  let have = 0;
  try {
    for (const size of sizes) {
      let next = have;
      const worker = async (): Promise<void> => {
        while (next < size && performance.now() - started < budgetMs) {
          next += 1;
          const [ok, why] = await client.call('one.vm.allocate', [SESSION, TEMPLATE, true]);
          if (!ok) throw new Error(`allocate refused: ${String(why)}`);
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: CONNECTIONS }, worker));
      const made = next - have;
      const rate = made / ((performance.now() - t0) / 1000);
      have = next;
      if (have < size) {
        out.push({ size, allocatePerS: null, vmpoolMs: [] });
        console.log(`  ${size}: not reached within the budget (${have} VMs, ${rate.toFixed(0)} allocate/s)`);
        break;
      }
      const vmpoolMs: number[] = [];
      for (let r = 0; r < rounds; r += 1) {
        const v0 = performance.now();
        const [ok] = await client.call('one.vmpool.info', [SESSION, -2, -1, -1, -1]);
        vmpoolMs.push(performance.now() - v0);
        if (!ok) throw new Error('vmpool.info refused');
      }
      out.push({ size, allocatePerS: rate, vmpoolMs });
      console.log(`  ${size}: allocate ${rate.toFixed(0)}/s, vmpool.info ${median(vmpoolMs).toFixed(0)} ms (runs: ${vmpoolMs.map((m) => m.toFixed(0)).join(', ')})`);
    }
  } finally {
    await client.close();
  }
  return out;
}

async function reference(): Promise<Figures[]> {
  const { url, child } = await startStack(['--profile', 'opennebula-7.5']);
  try {
    return await measure(url);
  } finally {
    await stopStack(child);
  }
}

async function real(): Promise<Figures[]> {
  const why = bundleUnavailable();
  if (why) {
    console.log(`  skipped: ${why}`);
    return [];
  }
  const one = await startOpenNebula();
  try {
    return await measure(one.url);
  } finally {
    await one.stop();
  }
}

console.log('reference stack (stampede stack, profile opennebula-7.5):');
const ref = await reference();
console.log('real oned 7.5.80 (bundle, dummy drivers):');
const one = await real();
console.log('\n| VMs | oned allocate/s | reference allocate/s | oned vmpool.info ms | reference vmpool.info ms |\n| ---: | ---: | ---: | ---: | ---: |');
for (const size of sizes) {
  const a = one.find((f) => f.size === size);
  const b = ref.find((f) => f.size === size);
  const rate = (f: Figures | undefined): string => (f?.allocatePerS == null ? 'not reached' : f.allocatePerS.toFixed(0));
  const pool = (f: Figures | undefined): string => (f && f.vmpoolMs.length > 0 ? median(f.vmpoolMs).toFixed(0) : '-');
  console.log(`| ${size.toLocaleString('en')} | ${rate(a)} | ${rate(b)} | ${pool(a)} | ${pool(b)} |`);
}
