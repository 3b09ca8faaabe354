import { EventEmitter } from 'node:events';
import type { CliDeps } from '../main.js';

/**
 * Deps for a command that serves until a signal (`stampede stack`, `stampede farm`): its output
 * captured, its signals sent by the test, and the URL it prints once it listens.
 */
export function servingHarness(command: string) {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const printed = new EventEmitter();
  const deps: CliDeps = {
    run: async () => {
      throw new Error(`stampede ${command} runs no scenario`);
    },
    stdout: { isTTY: false, write: (s: string) => (out.push(s), printed.emit('line', s)) },
    stderr: { write: (s: string) => err.push(s) },
    signals,
  };
  /** The URL the command prints once it listens; ask before starting it. */
  const listening = () =>
    new Promise<string>((resolve) => {
      const look = (s: string) => {
        const m = / serves (http:\/\/\S+)\n/.exec(s);
        if (m) resolve(m[1]!);
        else printed.once('line', look);
      };
      printed.once('line', look);
    });
  return { deps, signals, listening, stdout: () => out.join(''), stderr: () => err.join('') };
}
