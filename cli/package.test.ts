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

describe('adopting stampede in a project (the README\'s "Use it in your project")', () => {
  it('npm i -D, init, validate, and a run of the scenario init wrote all succeed', async () => {
    const at = await project('adopter', true);
    const sh = (cmd: string, args: string[]) => exec(cmd, args, { cwd: at, maxBuffer: 16 << 20 });
    const init = await sh('npx', ['stampede', 'init']);
    expect(init.stdout).toContain('wrote  stampede.config.ts');
    expect((await sh('npx', ['stampede', 'validate'])).stdout).toBe('ok  stampede.config.ts\n');
    const run = await sh('npx', ['stampede', 'run', 'stampede.config.ts', '--out', 'scale-report']);
    expect(run.stdout).toContain('128 VMs requested: 128 up');
    expect(run.stdout).toContain('budgets held (exit 0)');
  }, 240_000);

  it('types a scenario end to end through the package\'s exports', async () => {
    const at = await project('typed', true);
    await writeFile(
      join(at, 'good.ts'),
      "import { defineScenario, run, loadScenario, ExitCode } from 'stampede';\n" +
        "export default defineScenario({ vms: { count: 8 }, hosts: { count: 2 }, load: { mode: 'serial' } });\n" +
        'export const check = async () => (await run(await loadScenario(undefined))).exitCode === ExitCode.OK;\n',
    );
    await writeFile(join(at, 'bad.ts'), "import { defineScenario } from 'stampede';\nexport default defineScenario({ vms: { count: 'many' } });\n");
    const tsconfig = (file: string) =>
      JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: [file] });
    const tsc = join(root, 'node_modules/.bin/tsc');
    await writeFile(join(at, 'tsconfig.good.json'), tsconfig('good.ts'));
    await writeFile(join(at, 'tsconfig.bad.json'), tsconfig('bad.ts'));
    await exec(tsc, ['-p', 'tsconfig.good.json'], { cwd: at });
    const bad = await exec(tsc, ['-p', 'tsconfig.bad.json'], { cwd: at }).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    expect(bad).toMatch(/bad\.ts.*error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 240_000);
});
