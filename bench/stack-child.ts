/** `stampede stack` from dist/ as a child process on a free port, for the benches that call it over the wire. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `stampede stack --port 0 ARGS...` and resolves with the URL it serves once it says so. */
export async function startStack(args: readonly string[]): Promise<{ url: string; child: ChildProcess }> {
  const cli = join(root, 'dist/cli/stampede.js');
  if (!existsSync(cli)) throw new Error('dist/cli/stampede.js is missing: run `npm run build` first');
  const child = spawn(process.execPath, [cli, 'stack', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = / serves (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`stampede stack exited with ${code} before listening`)));
  });
  return { url, child };
}

/** Stops a child started by startStack and waits for it to exit. */
export async function stopStack(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
