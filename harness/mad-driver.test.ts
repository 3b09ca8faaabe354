import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostFarm } from '../adapters/host-farm.js';
import { unzlibBase64 } from '../opennebula/monitor-message.js';
import { encodeVmmActionData } from '../opennebula/vmm-action-data.js';
import { Random } from '../sim/random.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { serveFarm, type FarmServer } from './farm-server.js';
import { StampedeChild } from './test-support/mad-child.js';

/**
 * The recorded conversations of a real oned 7.5 with its dummy drivers (test-support/mad-transcripts)
 * and the 4.4 spelling (4.4's OpenNebulaDriver.rb), played to `stampede driver tm|vmm|im`:
 * each reply must have the shape of the real one (action, result, id, and what kind of info).
 */
const here = (name: string): URL => new URL(`./test-support/mad-transcripts/${name}`, import.meta.url);

interface Entry {
  toDriver: boolean;
  line: string;
}

async function transcript(name: string): Promise<Entry[]> {
  const text = await readFile(here(name), 'utf8');
  return text
    .split('\n')
    .map((raw) => /^\S+ \[(oned|monitord|drv)->(drv|oned|monitord)\] (.*)$/.exec(raw))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ toDriver: m[2] === 'drv', line: m[3]! }));
}

const kindOf = (word: string): string =>
  word === '-' ? '-' : /^\d+$/.test(word) ? 'int' : /^[A-Za-z0-9+/]{12,}={0,2}$/.test(word) ? 'base64' : 'word';

/** What oned relies on in a driver line: action, result, id exactly; the kind of every other field. */
function shape(line: string): string {
  const t = line.split(' ');
  if (t[0] === 'LOG') return line;
  if (t[1] === 'FAILURE') return `${t[0]} FAILURE ${t[2]} <text>`;
  const fixed = t[0] === 'INIT' ? 2 : 3;
  return [...t.slice(0, fixed), ...t.slice(fixed).map(kindOf)].join(' ');
}

/** Our line answering the real `expected`: the same action (or LOG) for the same id. */
const answering = (expected: string) => {
  const [action, second, third] = expected.split(' ');
  if (action === 'INIT') return (l: string) => l.startsWith('INIT ');
  if (action === 'LOG') return (l: string) => l.startsWith(`LOG ${second} ${third} `);
  return (l: string) => {
    const t = l.split(' ');
    return t[0] === action && t[2] === third;
  };
};

/** Replays `entries` in order; at each real reply, waits for ours. Returns [real, ours] pairs. */
async function replay(
  driver: StampedeChild,
  entries: Entry[],
  rewrite: (line: string, pairs: ReadonlyArray<[string, string]>) => string = (l) => l,
): Promise<Array<[string, string]>> {
  const pairs: Array<[string, string]> = [];
  for (const { toDriver, line } of entries) {
    if (toDriver) {
      if (line !== 'FINALIZE') driver.send(rewrite(line, pairs));
    } else {
      pairs.push([line, await driver.next(answering(line))]);
    }
  }
  return pairs;
}

let farm: HostFarm;
let server: FarmServer;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-mad-'));
  farm = new HostFarm({
    // fast emulated time: the shapes matter here, not the latencies
    clock: new ScaledClock(10_000),
    random: new Random(1),
    hosts: [{ name: 'dummyhost0', cores: 8, memoryMiB: 16_384 }],
    // the real run failed VM 5's deploy with the dummy driver's test hook; the farm's fault plan does it here
    faults: { operations: { 'vmm.deploy': { fail: { vmIds: [5] } } } },
  });
  server = await serveFarm({ launcher: farm.launcher });
  // the transfer files as oned had written them, under our temporary directory
  const files = await readFile(here('transfer-files.txt'), 'utf8');
  for (const block of files.split('===== end')) {
    const m = /file=(\S+) bytes=\d+\n----- request line: .*\n([\s\S]*)$/.exec(block);
    if (!m) continue;
    const path = join(dir, m[1]!);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, m[2]!);
  }
});

afterAll(async () => {
  farm?.stop();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function withDriver<T>(args: string[], body: (d: StampedeChild) => Promise<T>): Promise<T> {
  const driver = new StampedeChild(['driver', ...args, '--farm', server.url]);
  try {
    return await body(driver);
  } finally {
    await driver.kill();
  }
}

describe('stampede driver: real oned 7.5 conversations', () => {
  it('vmm: INIT, six DEPLOYs (one failing), SHUTDOWN, CANCEL, DRIVER_CANCEL and CLEANUP answered as the dummy driver did', async () => {
    // oned sends back the deploy id the driver answered: ours, where the real driver's was
    const ownDeployIds = (line: string, pairs: ReadonlyArray<[string, string]>): string => {
      const [action, , id, payload] = line.split(' ');
      if (action === 'DEPLOY' || payload === undefined || payload === '') return line;
      let xml = Buffer.from(payload, 'base64').toString();
      for (const [real, ours] of pairs) {
        const [, result, replyId, deployId] = real.split(' ');
        if (real.startsWith('DEPLOY SUCCESS') && result === 'SUCCESS' && replyId === id) {
          xml = xml.replaceAll(`>${deployId}<`, `>${ours.split(' ')[3]}<`);
        }
      }
      return `${action}  ${id} ${Buffer.from(xml).toString('base64')}`;
    };
    const pairs = await withDriver(['vmm', ''], async (d) => replay(d, await transcript('vmm-dummy.log'), ownDeployIds));
    expect(pairs).toHaveLength(11);
    for (const [real, ours] of pairs) expect(shape(ours), `${real} / ${ours}`).toBe(shape(real));
  }, 300_000);

  it('tm: prolog and epilog transfer files run on the farm and answered TRANSFER SUCCESS <id> -', async () => {
    const pairs = await withDriver(['tm', '-t 15 -d dummy,lvm,shared,fs_lvm,fs_lvm_ssh,qcow2,ssh,local,ceph'], async (d) =>
      replay(d, await transcript('tm.log'), (l) => l.replace('/var/lib/one/vms/', `${dir}/var/lib/one/vms/`)),
    );
    expect(pairs).toHaveLength(9);
    for (const [real, ours] of pairs) expect(ours, real).toBe(real);
  }, 300_000);

  it("im: onemonitord's START_MONITOR and STOP_MONITOR, with zlib+base64 payloads and timestamps", async () => {
    const pairs = await withDriver(['im', '-r 3 -t 15 -w 90 dummy'], async (d) => replay(d, await transcript('im-dummy.log')));
    expect(pairs.map(([real]) => real.split(' ').slice(0, 2).join(' '))).toEqual([
      'INIT SUCCESS',
      'START_MONITOR SUCCESS',
      'STOP_MONITOR SUCCESS',
      'START_MONITOR SUCCESS',
    ]);
    for (const [real, ours] of pairs) expect(shape(ours), `${real.slice(0, 60)} / ${ours.slice(0, 60)}`).toBe(shape(real));
    const messages = unzlibBase64(pairs[1]![1].split(' ')[4]!);
    expect(messages).toMatch(/^<MONITOR_MESSAGES><SYSTEM_HOST>[A-Za-z0-9+/=]+<\/SYSTEM_HOST> <MONITOR_HOST>/);
    const system = Buffer.from(/<SYSTEM_HOST>([^<]*)</.exec(messages)![1]!, 'base64').toString();
    expect(system).toContain('HOSTNAME=dummyhost0\n');
    expect(system).toContain('TOTALCPU=800\n');
    expect(unzlibBase64(pairs[2]![1].split(' ')[4]!)).toBe('-');
  }, 300_000);
});

describe('stampede driver: the 4.4 spelling (no status field)', () => {
  const vm = { id: 17, name: 'vm-17', cpu: 0.25, vcpu: 1, memoryMiB: 512, disks: [] };

  it('vmm: DEPLOY 17 <payload> and SHUTDOWN 17 <payload>', async () => {
    const deploy = encodeVmmActionData({ action: 'DEPLOY', vmId: 17, host: 'dummyhost0', deployId: '', vm });
    const [init, deployed, shut] = await withDriver(['vmm', '-t 15'], async (d) => {
      d.send('INIT');
      const first = await d.next((l) => l.startsWith('INIT'));
      d.send(`DEPLOY 17 ${deploy}`);
      const second = await d.next((l) => l.startsWith('DEPLOY'));
      const deployId = second.split(' ')[3]!;
      d.send(`SHUTDOWN 17 ${encodeVmmActionData({ action: 'SHUTDOWN', vmId: 17, host: 'dummyhost0', deployId, vm })}`);
      return [first, second, await d.next((l) => l.startsWith('SHUTDOWN'))];
    });
    // 4.4's spelling: `INIT SUCCESS - -`, `DEPLOY SUCCESS 17 host01:vm-17:dummy`, `SHUTDOWN SUCCESS 17 -`
    expect([init, shape(deployed!), shut]).toEqual(['INIT SUCCESS - -', shape('DEPLOY SUCCESS 17 host01:vm-17:dummy'), 'SHUTDOWN SUCCESS 17 -']);
  }, 300_000);

  it('tm: TRANSFER 17 <file>; a missing file fails as one_tm says', async () => {
    const file = join(dir, 'vms/17/transfer.0.prolog');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, 'CLONE qcow2 frontend:/var/lib/one/datastores/1/8a3f dummyhost0:/var/lib/one/datastores/0/17/disk.0 17 1\n');
    const [ok, missing] = await withDriver(['tm', '-t 15'], async (d) => {
      d.send(`TRANSFER 17 ${file}`);
      const first = await d.next((l) => l.startsWith('TRANSFER SUCCESS'));
      d.send(`TRANSFER 18 ${dir}/vms/18/transfer.0.prolog`);
      return [first, await d.next((l) => l.startsWith('TRANSFER FAILURE'))];
    });
    expect(ok).toBe('TRANSFER SUCCESS 17 -');
    expect(missing).toBe(`TRANSFER FAILURE 18 Transfer file '${dir}/vms/18/transfer.0.prolog' does not exist`);
  }, 300_000);

  it('im: MONITOR <hid> <host> <ds_location> <update> answers base64 KEY=VALUE lines', async () => {
    const reply = await withDriver(['im', '-r 3 -t 15'], async (d) => {
      d.send('MONITOR 0 dummyhost0 /var/lib/one/datastores 1');
      return d.next((l) => l.startsWith('MONITOR '));
    });
    expect(shape(reply)).toBe('MONITOR SUCCESS 0 base64');
    const lines = Buffer.from(reply.split(' ')[3]!, 'base64').toString().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['HYPERVISOR=dummy', 'HOSTNAME=dummyhost0', 'TOTALCPU=800', `TOTALMEMORY=${16_384 * 1024}`]));
  }, 300_000);
});
