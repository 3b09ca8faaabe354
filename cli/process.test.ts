import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The command as a user starts it: its own process, its own stdio, signals from outside. */
const root = fileURLToPath(new URL('..', import.meta.url));
/** tsx's loader, by its place in our node_modules: the child runs in a temporary directory */
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stampede-process-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

function stampede(args: string[], options: { closeStdout?: boolean; onStart?: (kill: (s: NodeJS.Signals) => void) => void } = {}): Promise<Ended> {
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'cli/stampede.ts'), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  // a reader that went away, as `| head -1` does once it has its line
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  options.onStart?.((s) => child.kill(s));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
}

describe('the stampede process', () => {
  it('refuses a report directory on procfs with one sentence, instead of spinning', async () => {
    const ended = await stampede(['run', '--vms', '4', '--hosts', '1', '--out', '/proc/stampede-x']);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toBe('error: --out "/proc/stampede-x": cannot create /proc/stampede-x (that place does not take new directories).\n');
  });

  it('ends with 143 on SIGTERM', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const ended = await stampede(['run', '--vms', '20000', '--hosts', '200', '--out', out], {
      // once the run has begun (its trace exists), a CI job's cancel arrives
      onStart: (kill) => {
        const watcher = watch(out, (_event, name) => {
          if (name !== 'trace.jsonl') return;
          watcher.close();
          kill('SIGTERM');
        });
      },
    });
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(143);
    expect(ended.stderr).toContain('stampede: terminated (SIGTERM)');
  });

  it('ends quietly with the run\'s own code when its stdout is closed', async () => {
    const out = join(dir, 'out');
    const ended = await stampede(['run', '--vms', '32', '--hosts', '2', '--out', out], { closeStdout: true });
    expect(ended.stderr).toBe('');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { exitCode: number };
    expect(ended.code).toBe(result.exitCode);
  });

  it('ends --help quietly with 0 when its stdout is closed', async () => {
    const ended = await stampede(['run', '--help'], { closeStdout: true });
    expect(ended).toMatchObject({ code: 0, stderr: '' });
  });

  it('says so in a sentence when it was never built', async () => {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(root, 'bin/stampede.js'), join(dir, 'bin/stampede.js'));
    const child = spawn(process.execPath, [join(dir, 'bin/stampede.js'), 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe(`stampede: this copy of stampede is not built (no dist/); run \`npm run build\` in ${dir}/ first\n`);
  });
});
