/**
 * Micro-benchmarks of the pieces a large run leans on, timed with tinybench on process CPU time
 * (steadier than wall time on a shared machine), against the build in `--root` (a checkout with
 * dist/ built: this one, or another commit's for `npm run bench -- --compare REF`).
 *
 *   npx tsx bench/micro.ts [--root DIR] [--json]
 *
 * Each figure is the median CPU milliseconds of one operation: the indexed heap, the clock, the
 * shared resource, one.vmpool.info on a 20,000-VM embedded stack (the first call renders every
 * VM; again, nothing changed), the harness reading a 2,000-VM answer, and the XML-RPC codec on
 * that answer. A piece the build does not have (a module added later) is left out, not failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';

const { values } = parseArgs({ options: { root: { type: 'string' }, json: { type: 'boolean', default: false } } });
const root = values.root ?? new URL('..', import.meta.url).pathname;

/** Process CPU time in ms: what tinybench reads as its clock. */
const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function load<T>(module: string): Promise<T | undefined> {
  const file = join(root, 'dist', module);
  return existsSync(file) ? ((await import(pathToFileURL(file).href)) as T) : undefined;
}

type Ctor<T> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any
interface HeapModule {
  IndexedHeap: Ctor<{ push(x: unknown): void; pop(): unknown; size: number }>;
}
interface ClockModule {
  VirtualClock: Ctor<{ run(f: () => Promise<unknown>): Promise<unknown>; timer(ms: number, fn: () => void): unknown; sleep(ms: number): Promise<void> }>;
}
interface TimerHeapModule {
  TimerHeap: Ctor<{ timer(ms: number, fn: () => void): unknown; sleep(ms: number): Promise<void> }>;
}
interface ResourceModule {
  SharedResource: Ctor<{ consume(amount: number, o?: { maxRate?: number }): Promise<unknown> }>;
}
interface PollModule {
  parseVmPool(xml: string): unknown[];
}
interface CodecModule {
  encodeResponse(value: unknown): string;
  decodeResponse(text: string): unknown;
}

const results: Array<{ name: string; ms: number }> = [];
const bench = new Bench({ now: cpuNow, time: 400, iterations: 5, warmupIterations: 1, warmupTime: 0 });

const heap = await load<HeapModule>('sim/indexed-heap.js');
if (heap) {
  const keys = Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 100_003);
  bench.add('IndexedHeap: 100,000 pushes and pops', () => {
    const h = new heap.IndexedHeap((a: { k: number }, b: { k: number }) => a.k < b.k);
    for (const k of keys) h.push({ k, heapIndex: -1 });
    while (h.size > 0) h.pop();
  });
}

const clocks = await load<ClockModule>('sim/virtual-clock.js');
const timerHeap = await load<TimerHeapModule>('sim/timer-heap.js');
if (clocks) {
  bench.add('VirtualClock: 20,000 timers, one turn each', async () => {
    const clock = new clocks.VirtualClock();
    await clock.run(async () => {
      for (let i = 0; i < 20_000; i += 1) clock.timer(1 + ((i * 7919) % 20_011) * 0.37, () => {});
      await clock.sleep(10_000);
    });
  });
}

const resources = await load<ResourceModule>('sim/shared-resource.js');
if (clocks && timerHeap && resources) {
  bench.add('SharedResource: 20,000 consumers join and leave', async () => {
    const virtual = new clocks.VirtualClock();
    const clock = new timerHeap.TimerHeap(virtual);
    const store = new resources.SharedResource(clock, 1250, { name: 'image store' });
    const caps = [100, 200, Infinity];
    await virtual.run(async () => {
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < 20_000; i += 1) {
        clock.timer((i * 10_000) / 20_000, () => void all.push(store.consume(50 + (i % 100), { maxRate: caps[i % 3] })));
      }
      await clock.sleep(10_000);
      await Promise.all(all);
    });
  });
}

// one.vmpool.info as the harness calls it in embedded mode: 20,000 VMs RUNNING on 625 hosts.
const pool = await vmPool(20_000);
if (pool) {
  results.push({ name: 'one.vmpool.info, 20,000 VMs, first call', ms: pool.firstMs });
  bench.add('one.vmpool.info, 20,000 VMs, again', async () => void (await pool.call(-1, -1)));
  const poll = await load<PollModule>('harness/poll.js');
  const page = await pool.call(0, 1999);
  if (poll) bench.add('harness: read a 2,000-VM vmpool.info answer', () => void poll.parseVmPool(page));
  // the same answer on the wire: oned's [true, xml, 0] as an XML-RPC methodResponse
  const codec = await load<CodecModule>('opennebula/xmlrpc.js');
  if (codec) {
    const response = codec.encodeResponse([true, page, 0]);
    bench.add('XML-RPC: encode a 2,000-VM vmpool.info response', () => void codec.encodeResponse([true, page, 0]));
    bench.add('XML-RPC: decode a 2,000-VM vmpool.info response', () => void codec.decodeResponse(response));
  }
}

await bench.run();
for (const task of bench.tasks) {
  const latency = task.result && 'latency' in task.result ? task.result.latency : undefined;
  if (latency) results.push({ name: task.name, ms: latency.p50 ?? latency.mean });
}
if (values.json) console.log(JSON.stringify(results));
else for (const r of results) console.log(`${r.name.padEnd(52)} ${r.ms.toFixed(2).padStart(9)} ms CPU`);

/** A reference stack with `n` VMs deployed by the host farm, and a way to call one.vmpool.info on it. */
async function vmPool(n: number): Promise<{ firstMs: number; call(start: number, end: number): Promise<string> } | undefined> {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const mods = await Promise.all(
    ['sim/virtual-clock.js', 'sim/timer-heap.js', 'sim/random.js', 'adapters/index.js', 'stack/reference-stack.js', 'stack/profile.js'].map((m) =>
      load<any>(m),
    ),
  );
  if (mods.some((m) => m === undefined)) return undefined;
  const [{ VirtualClock }, { TimerHeap }, { Random }, adapters, { ReferenceStack }, { resolveProfile }] = mods;
  const { HostFarm, uniformHosts, madLauncher } = adapters;
  const clock = new VirtualClock();
  const hosts = uniformHosts(Math.ceil(n / 32), { cores: 8, memoryMiB: 24_576 });
  const farm = new HostFarm({ clock, random: new Random(1), hosts, store: { mbps: 20_000 } });
  const profile = resolveProfile({ extends: 'optimized', api: { callMs: 0, methodMs: {}, poolObjectMs: 0 } });
  // since the MAD pools moved to the drivers, the stack launches them through madLauncher
  const launcher = madLauncher ? madLauncher(farm.launcher) : farm.launcher;
  const stack = new ReferenceStack({ clock: new TimerHeap(clock), profile, launcher });
  stack.start();
  const session = 'oneadmin:oneadmin';
  const call = async (method: string, ...args: unknown[]): Promise<any> => {
    const [ok, value] = await stack.api.call(method, [session, ...args]);
    if (!ok) throw new Error(`${method}: ${value}`);
    return value;
  };
  const template = 'NAME = small\nCPU = 0.25\nVCPU = 1\nMEMORY = 512\nDISK = [ IMAGE_ID = 0 ]\n';
  await clock.run(async () => {
    for (const h of hosts) await call('one.host.allocate', h.name, 'dummy', 'dummy', -1);
    for (let i = 0; i < n; i += 1) await call('one.vm.allocate', template);
    // until no VM is PENDING (the pool filtered on STATE 1) and no driver action is in flight:
    // every VM is RUNNING, and no RUNNING VM has been listed yet (the first call below is cold)
    for (;;) {
      await clock.sleep(30_000);
      if (stack.actionsInFlight > 0) continue;
      const pending: string = await call('one.vmpool.info', -2, -1, -1, 1);
      if (!pending.includes('<VM>')) break;
    }
  });
  stack.stop();
  farm.stop?.();
  const poolCall = (start: number, end: number): Promise<string> => call('one.vmpool.info', -2, start, end, -2);
  const t0 = cpuNow();
  await poolCall(-1, -1);
  return { firstMs: cpuNow() - t0, call: poolCall };
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
