/**
 * A child process for tests: `stampede <args>` run from the sources (tsx), its stdout read line
 * by line. Tests wait for lines with `next`; `kill` ends it on every path (call it in finally).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { wallClock } from '../wall-clock.js';

export const CLI = fileURLToPath(new URL('../../cli/stampede.ts', import.meta.url));

export class StampedeChild {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  /** indexes of lines a `next` has taken */
  private readonly taken = new Set<number>();
  stderr = '';
  private waiters: Array<{ match: (line: string) => boolean; resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  private exited: number | null | undefined;
  readonly exit: Promise<number | null>;

  constructor(args: readonly string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      const i = this.waiters.findIndex((w) => w.match(line));
      if (i >= 0) {
        this.taken.add(this.lines.length - 1);
        this.waiters.splice(i, 1)[0]!.resolve(line);
      }
    });
    this.exit = new Promise((resolve) =>
      this.child.on('exit', (code) => {
        this.exited = code;
        for (const w of this.waiters.splice(0)) w.reject(new Error(`the child exited (${code}) first; stderr: ${this.stderr}`));
        resolve(code);
      }),
    );
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** The first line from now on (or already read and not yet taken) that `match` accepts. */
  next(match: (line: string) => boolean): Promise<string> {
    const i = this.lines.findIndex((l, k) => !this.taken.has(k) && match(l));
    if (i >= 0) {
      this.taken.add(i);
      return Promise.resolve(this.lines[i]!);
    }
    if (this.exited !== undefined) return Promise.reject(new Error(`the child exited (${this.exited}); stderr: ${this.stderr}`));
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  /** SIGTERM, so it cleans up after itself (a stack removes its drivers' directory); SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.exited === undefined) {
      this.child.kill('SIGTERM');
      const timer = wallClock().timer(30_000, () => this.child.kill('SIGKILL'));
      await this.exit;
      timer.cancel();
    }
  }

  async kill(): Promise<void> {
    if (this.exited === undefined) this.child.kill('SIGKILL');
    await this.exit;
  }
}
