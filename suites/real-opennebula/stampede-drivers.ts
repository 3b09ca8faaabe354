/**
 * Our MAD drivers under a real oned (README, "Against your own OpenNebula", way 2): the bundle's
 * oned.conf and monitord.conf gain a VM_MAD and an IM_MAD named `stampede`, and its TM_MAD's
 * executable becomes `stampede driver tm`, each a small wrapper in the tree's lib/mads/ that
 * runs this stampede's built CLI with oned's ARGUMENTS split as OpenNebula's own wrappers split
 * them. The drivers find the host farm through a file the endpoint mode writes at the run's start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replaceSection, setConf } from '../../harness/test-support/opennebula-bundle.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCES = ['sim', 'opennebula', 'adapters', 'stack', 'harness', 'reports', 'cli'];

/** The driver ARGUMENTS each MAD gets, as the reference profile opennebula-7.5 runs them. */
export const DRIVER_ARGUMENTS = { tm: '-t 15 -d dummy,local,shared,ssh', vmm: '-t 15 -p', im: '-t 15' } as const;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * This stampede's CLI as JavaScript: dist/ when it is newer than every source (CI builds it in
 * `npm ci`), else a build of the sources into `into` (oned gives a driver 10 s to answer INIT,
 * which a driver compiling its TypeScript on start may miss on a busy machine).
 */
export function builtCli(into: string): string {
  const dist = join(REPO, 'dist', 'cli', 'stampede.js');
  if (existsSync(dist) && statSync(dist).mtimeMs > Math.max(...SOURCES.map((d) => newestSource(join(REPO, d))))) return dist;
  execFileSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['-p', join(REPO, 'tsconfig.build.json'), '--outDir', into, '--declaration', 'false'], { stdio: 'ignore' });
  return join(into, 'cli', 'stampede.js');
}

/**
 * Edits an unpacked tree so that oned runs our drivers: VM_MAD `stampede`, the TM_MAD executable,
 * IM_MAD `stampede` in monitord.conf. Every driver reads the farm's URL from the file returned,
 * which the endpoint mode writes (launch option `farmFile`).
 */
export async function plugStampedeDrivers(tree: string): Promise<string> {
  const farmFile = join(tree, 'var', 'farm.url');
  const build = join(tree, 'stampede-build');
  await mkdir(build, { recursive: true });
  // the build's imports resolve packages from the repository's node_modules
  if (!existsSync(join(build, 'node_modules'))) await symlink(join(REPO, 'node_modules'), join(build, 'node_modules'));
  const cli = builtCli(build);
  for (const kind of ['tm', 'vmm', 'im'] as const) {
    const wrapper = join(tree, 'lib', 'mads', `stampede-${kind}`);
    // $* unquoted: oned passes ARGUMENTS as one word, split here as OpenNebula's own wrappers do
    await writeFile(wrapper, `#!/bin/sh\nexec "${process.execPath}" --max-semi-space-size=64 "${cli}" driver ${kind} $*\n`);
    await chmod(wrapper, 0o755);
  }
  const farm = `--farm-file ${farmFile}`;
  const oned = join(tree, 'etc', 'oned.conf');
  await replaceSection(oned, 'TM_MAD', /one_tm/, `    EXECUTABLE = "stampede-tm",\n    ARGUMENTS = "${DRIVER_ARGUMENTS.tm} ${farm}"`);
  await appendTo(oned, `VM_MAD = [ NAME = "stampede", SUNSTONE_NAME = "stampede", EXECUTABLE = "stampede-vmm",\n  ARGUMENTS = "${DRIVER_ARGUMENTS.vmm} ${farm}", TYPE = "xml" ]`);
  await appendTo(
    join(tree, 'etc', 'monitord.conf'),
    `IM_MAD = [ NAME = "stampede", SUNSTONE_NAME = "stampede", EXECUTABLE = "stampede-im",\n  ARGUMENTS = "${DRIVER_ARGUMENTS.im} ${farm}", THREADS = 0 ]`,
  );
  return farmFile;
}

/**
 * Sets oned.conf's SCHED_MAX_WND_LENGTH (OpenNebula ships 7): the VMs that may become pending
 * before oned asks its scheduler driver for a placement plan without waiting for the window's
 * SCHED_MAX_WND_TIME.
 *
 * With the shipped 7, oned 7.5.80 deadlocks under a burst of 128 VMs on 8 hosts (two of three
 * runs here and both runs of the session before; /proc showed each party's blocked call). The
 * burst makes oned ask for a plan at every 7th VM, about 18 requests of 300-380 KB each in ten
 * seconds, faster than the Ruby scheduler driver answers them: it runs one action at a time and
 * holds its action lock while it runs one, so its reader stops reading its input. Each answer
 * leaves all but one VM per host out (rank.conf MAX_HOST 1) and reports each left-out VM as two
 * error lines, which oned logs and writes into the VM's record one at a time in the thread that
 * reads the driver. So the driver's output pipe fills, the driver blocks writing it (still holding
 * its action lock), and oned's threads asking for plans block writing into the full input pipe,
 * one of them (a plan's last deploy ending, place_finished) holding the placement plan's lock that
 * oned's reader thread waits for. Nothing moves again, SCHED_RETRY_TIME notwithstanding. With the
 * window as long as the burst, oned asks once when the burst is in (or SCHED_MAX_WND_TIME has
 * passed) and then once per ended plan, one request at a time, and the cycle cannot close. The
 * deadlock is between oned and its scheduler driver; no message of our drivers' takes part in it.
 */
export async function setPlacementWindow(tree: string, vms: number): Promise<void> {
  await setConf(join(tree, 'etc', 'oned.conf'), 'SCHED_MAX_WND_LENGTH', String(vms));
}

async function appendTo(file: string, text: string): Promise<void> {
  await writeFile(file, `${await readFile(file, 'utf8')}\n${text}\n`);
}
