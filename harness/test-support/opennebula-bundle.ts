/**
 * A real OpenNebula head node for tests and bench/ (docs/architecture.md, "Against a real
 * OpenNebula"): the prebuilt bundle unpacked into a temporary directory, its runtime packages
 * installed, oned started; and stopped again on every exit path.
 *
 * The bundle binds fixed ports (2633, 2634, 4124, 2101, 2102) and machine-wide /tmp paths, so one
 * instance runs on a machine at a time: each start first takes a machine-wide lock. The lock is
 * held by a guardian, a small shell process in a session of its own, that reads its stdin until
 * it closes and then runs the bundle's stop.sh and removes the directory. Its stdin is a pipe from
 * this process: a normal stop closes it, and so does this process dying in any way (a failed
 * test, Ctrl-C, SIGKILL), so oned and everything it started never outlive the test that started them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { XmlRpcClient } from '../xmlrpc-client.js';
import { wallClock } from '../wall-clock.js';

export const ONE_URL = 'http://127.0.0.1:2633/RPC2';
const SESSION = 'oneadmin:oneadmin';
/** machine-wide, as the bundle's own /tmp paths are */
const LOCK = '/tmp/stampede-opennebula.lock';
/** how long a start waits for another test run's instance to stop */
const LOCK_WAIT_S = 600;
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The bundle's tarball: STAMPEDE_OPENNEBULA_BUNDLE (the file or its directory), else an `opennebula` directory in a `shared` directory beside the repository or one of its parents (README, "Against your own OpenNebula"). */
export function findBundle(): string | undefined {
  const given = process.env['STAMPEDE_OPENNEBULA_BUNDLE'];
  const dirs = given ? [given] : ancestors(REPO).map((d) => join(d, 'shared', 'opennebula'));
  for (const d of dirs) {
    if (d.endsWith('.tar.xz') && existsSync(d)) return d;
    if (!existsSync(d)) continue;
    const tar = readdirSync(d).find((f) => /^opennebula-.*\.tar\.xz$/.test(f));
    if (tar) return join(d, tar);
  }
  return undefined;
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

/** Why the bundle cannot run on this machine, in one line; undefined when it can. */
export function bundleUnavailable(): string | undefined {
  if (process.platform !== 'linux' || arch() !== 'x64') return `the OpenNebula bundle is built for Linux x86_64, this is ${process.platform} ${arch()}`;
  const tarball = findBundle();
  if (tarball === undefined) return 'no OpenNebula bundle found (shared/opennebula/ beside the repository, or STAMPEDE_OPENNEBULA_BUNDLE)';
  if (!commandExists('dpkg-query') || !commandExists('flock')) return 'the OpenNebula bundle needs a Debian machine (dpkg-query, flock)';
  if (process.getuid?.() !== 0 && missingPackages(tarball).length > 0) return 'the OpenNebula bundle runtime packages are missing and installing them needs root';
  return undefined;
}

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The bundle's RUNTIME-PACKAGES.txt, read from the tarball. */
function runtimePackages(tarball: string): string[] {
  const list = execFileSync('tar', ['-xJOf', tarball, '--wildcards', '*/RUNTIME-PACKAGES.txt'], { encoding: 'utf8' });
  return list
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter((p) => p !== '');
}

/** The runtime packages not installed yet: installing is skipped when there are none (fast, and no apt lock). */
export function missingPackages(tarball: string): string[] {
  const packages = runtimePackages(tarball);
  let out = '';
  try {
    out = execFileSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...packages], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const installed = new Set(out.split('\n').flatMap((l) => /^(\S+) ii/.exec(l)?.[1] ?? []));
  return packages.filter((p) => !installed.has(p));
}

export interface BundleOptions {
  /** edits the unpacked tree before oned starts (etc/oned.conf, etc/monitord.conf) */
  configure?: (tree: string) => Promise<void>;
  /** environment for oned and its drivers (e.g. STAMPEDE_FARM) */
  env?: Record<string, string>;
}

/** A started OpenNebula: its tree, URL, session file and log. */
export class RunningOpenNebula {
  readonly url = ONE_URL;
  readonly session = SESSION;
  private stopping: Promise<void> | undefined;

  constructor(
    /** the unpacked tree (ONE_LOCATION) */
    readonly tree: string,
    private readonly guardian: ChildProcess,
    private readonly guardianExit: Promise<void>,
    /** oned's process id */
    readonly pid: number,
  ) {}

  get authFile(): string {
    return join(this.tree, 'var', '.one', 'one_auth');
  }

  get log(): string {
    return join(this.tree, 'var', 'oned.log');
  }

  /** Stops oned and everything it started (stop.sh), and removes the tree. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.guardian.stdin?.end();
      await this.guardianExit;
    })();
    return this.stopping;
  }

  /** Processes still carrying this tree's ONE_LOCATION: none once stopped. */
  leftovers(): number[] {
    const mark = `ONE_LOCATION=${this.tree}`;
    const out: number[] = [];
    for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(mark)) out.push(Number(p));
      } catch {
        // gone, or not ours to read
      }
    }
    return out;
  }
}

/**
 * Unpacks the bundle into a new temporary directory, installs its runtime packages if any is
 * missing, lets `configure` edit it, starts oned on a fresh database, and creates image 0 (the
 * scenario template's DISK) in the dummy image datastore.
 */
export async function startOpenNebula(options: BundleOptions = {}): Promise<RunningOpenNebula> {
  const tarball = findBundle();
  if (tarball === undefined) throw new Error(bundleUnavailable() ?? 'no OpenNebula bundle');
  const dir = await mkdtemp(join(tmpdir(), 'stampede-one-'));
  const tree = join(dir, execFileSync('tar', ['-tJf', tarball], { encoding: 'utf8' }).split('\n')[0]!.split('/')[0]!);
  // the guardian: waits for the lock, says so, then holds it until its stdin closes; then stops and removes
  const script = `echo locked; cat >/dev/null; ${STOP_SCRIPT}; rm -rf "$2"`;
  const guardian = spawn('flock', ['-w', String(LOCK_WAIT_S), LOCK, 'sh', '-c', script, 'guardian', tree, dir], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  guardian.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const guardianExit = new Promise<void>((done) => guardian.on('exit', () => done()));
  const locked = await new Promise<boolean>((done) => {
    createInterface({ input: guardian.stdout! }).once('line', (l) => done(l === 'locked'));
    guardian.on('exit', () => done(false));
  });
  let running: RunningOpenNebula | undefined;
  try {
    if (!locked) throw new Error(`another OpenNebula instance held ${LOCK} for ${LOCK_WAIT_S} s ${stderr.trim()}`);
    execFileSync('tar', ['-xJf', tarball, '-C', dir]);
    if (missingPackages(tarball).length > 0) execFileSync(join(tree, 'install-runtime.sh'), { stdio: 'ignore' });
    // start.sh switches the system datastore to the dummy TM after oned's first datastore
    // monitoring, and a system datastore without capacity takes no VM ("No system datastores
    // found"): oned would learn it 300 s later (MONITORING_INTERVAL_DATASTORE); here, within 10 s
    await setConf(join(tree, 'etc', 'oned.conf'), 'MONITORING_INTERVAL_DATASTORE', '10');
    await options.configure?.(tree);
    const tmp = join(tree, 'var', 'tmp');
    execFileSync('mkdir', ['-p', tmp]);
    const out = execFileSync(join(tree, 'start.sh'), ['--reset'], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp, ONE_START_TIMEOUT: '120', ...options.env },
    });
    const pid = Number(out.trim().split('\n').at(-1));
    running = new RunningOpenNebula(tree, guardian, guardianExit, pid);
    await createImage(running);
    await waitSystemDatastore(running);
    return running;
  } catch (error) {
    guardian.stdin?.end();
    await guardianExit;
    // a guardian that never got the lock never ran its script, which removes the directory
    if (!locked) await rm(dir, { recursive: true, force: true });
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`the OpenNebula bundle did not start: ${why}`);
  }
}

/**
 * The bundle's stop.sh, the same way but in one pass over /proc (stop.sh forks a few processes per
 * process on the machine, minutes on a busy one): oned gets SIGTERM (it sends its drivers
 * FINALIZE) and 10 s, then its session and every process still carrying this tree's
 * ONE_LOCATION (the per-host monitord-client among them) get SIGKILL. `$1` is the tree.
 */
const STOP_SCRIPT = [
  'pid=$(cat "$1/var/oned.pid" 2>/dev/null)',
  'if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i+1)); done; kill -KILL -- "-$pid" 2>/dev/null; fi',
  'for round in 1 2 3; do left=$(grep -lzx "ONE_LOCATION=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$"); [ -z "$left" ] && break; kill -KILL $left 2>/dev/null; sleep 0.3; done',
  // the dummy monitoring's machine-wide pid files: this instance's, since the lock is held
  'rm -f "$1/var/oned.pid" /tmp/one-monitord-*.pid /var/tmp/one_db/.monitor_client.pid',
].join('; ');

/** Image 0 in the dummy image datastore 1, READY: what the scenario template's `DISK = [ IMAGE_ID = 0 ]` names. */
async function createImage(one: RunningOpenNebula): Promise<void> {
  const client = new XmlRpcClient(one.url);
  try {
    const made = await client.call('one.image.allocate', [one.session, 'NAME="stampede"\nTYPE="OS"\nSIZE="1024"\nPATH="/dev/null"', 1, true]);
    if (made[0] !== true || made[1] !== 0) throw new Error(`one.image.allocate answered ${JSON.stringify(made)}`);
    const wall = wallClock();
    for (let look = 0; look < 60; look += 1) {
      const info = await client.call('one.image.info', [one.session, 0]);
      if (/<STATE>1<\/STATE>/.test(String(info[1]))) return;
      await wall.sleep(500);
    }
    throw new Error('image 0 did not become READY within 30 s');
  } finally {
    await client.close();
  }
}

/** Waits until the system datastore 0 has capacity: before that the scheduler places no VM. */
async function waitSystemDatastore(one: RunningOpenNebula): Promise<void> {
  const client = new XmlRpcClient(one.url);
  const wall = wallClock();
  try {
    for (let look = 0; look < 120; look += 1) {
      const info = await client.call('one.datastore.info', [one.session, 0]);
      if (/<TOTAL_MB>[1-9]/.test(String(info[1]))) return;
      await wall.sleep(500);
    }
    throw new Error('the system datastore 0 was not monitored within 60 s');
  } finally {
    await client.close();
  }
}

/** Sets a top-level `NAME = VALUE` line of an OpenNebula config file. */
export async function setConf(file: string, name: string, value: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const re = new RegExp(`^${name}\\s*=.*$`, 'm');
  if (!re.test(text)) throw new Error(`${file} has no ${name} line`);
  await writeFile(file, text.replace(re, `${name} = ${value}`));
}

/** Replaces the first `NAME = [ ... ]` block of an OpenNebula config file whose body matches `which`. */
export async function replaceSection(file: string, name: string, which: RegExp, body: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const re = new RegExp(`^${name}\\s*=\\s*\\[[^\\]]*\\]`, 'gm');
  let done = false;
  const edited = text.replace(re, (block) => {
    if (done || !which.test(block)) return block;
    done = true;
    return `${name} = [\n${body}\n]`;
  });
  if (!done) throw new Error(`${file} has no ${name} section matching ${which}`);
  await writeFile(file, edited);
}
