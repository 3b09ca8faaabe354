import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * stampede as a user gets it: `npm pack`ed, installed from the tarball into a project of theirs,
 * run through its bin. Slow (a build, an install), so one pack for the file.
 */
const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const npm = (args: string[], cwd: string) => exec('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, maxBuffer: 16 << 20 });

let dir: string;
let tarball: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-package-'));
  // prepare builds dist/ on the way, as it does for a user's `npm pack` or git install
  const { stdout } = await npm(['pack', '--pack-destination', dir, '--json'], root);
  tarball = join(dir, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
}, 240_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A fresh project of the user's, not an ES module package, with stampede installed. */
async function project(name: string, dev: boolean): Promise<string> {
  const at = join(dir, name);
  await mkdir(at);
  await writeFile(join(at, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }));
  await npm(['install', dev ? '--save-dev' : '--omit=dev', tarball], at);
  return at;
}

describe('the packed package', () => {
  it('installed without dev dependencies, runs a TypeScript scenario', async () => {
    const at = await project('runtime-only', false);
    await writeFile(join(at, 'burst.ts'), 'const vms: number = 16;\nexport default { vms: { count: vms }, hosts: { count: 2 } };\n');
    const { stdout } = await exec('npx', ['stampede', 'run', 'burst.ts', '--out', 'report'], { cwd: at });
    expect(stdout).toContain('16 VMs requested: 16 up');
    const result = JSON.parse(await readFile(join(at, 'report/result.json'), 'utf8')) as { exitCode: number };
    expect(result.exitCode).toBe(0);
  }, 240_000);
});
