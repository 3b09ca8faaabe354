/**
 * A MAD's ARGUMENTS string (oned.conf `VM_MAD`/`TM_MAD`, monitord.conf `IM_MAD`), read and
 * written. oned hands the whole string to the driver as ONE argv element and the shell wrapper
 * re-splits it, so the reader takes the text or its words alike.
 *
 * OpenNebula's own flags (one_vmm_exec.rb, one_tm.rb, one_im_exec.rb):
 *   -t, --threads N     actions run at once (default 15)
 *   -p, --parallel      VMM: several actions per host at once; without it one per host
 *   -r, --retries N     -w, --timeout N     -s, --shell SHELL     -l, --local ACTIONS
 *   -d, --delegate/--drivers LIST            accepted and ignored (nothing to retry or run remotely)
 *   bare words          the driver's name (`kvm`, `dummy`): accepted and ignored
 * stampede's own:
 *   --transport ssh|persistent   `ssh` opens a connection per action (`ssh-per-action`); default persistent
 *   --farm URL                   the host farm the driver acts on
 *   --farm-file PATH             a file holding that URL, read when an action needs it
 */
import type { DriverArguments, DriverTransport } from './driver.js';

export const DEFAULT_DRIVER_THREADS = 15;

export class DriverArgumentsError extends Error {
  override readonly name = 'DriverArgumentsError';
}

/** Flags of OpenNebula's drivers that take a value and change nothing here. */
const IGNORED_WITH_VALUE = new Set(['-r', '--retries', '-w', '--timeout', '-s', '--shell', '-l', '--local', '-d', '--delegate', '--drivers']);

export function parseDriverArguments(input: string | readonly string[]): DriverArguments {
  const words = (typeof input === 'string' ? [input] : input).flatMap((w) => w.split(/\s+/)).filter((w) => w !== '');
  const args: DriverArguments = { threads: DEFAULT_DRIVER_THREADS, parallel: false, transport: 'persistent' };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    const value = (): string => {
      const v = words[i + 1];
      if (v === undefined) throw new DriverArgumentsError(`driver arguments: ${word} needs a value`);
      i += 1;
      return v;
    };
    if (word === '-t' || word === '--threads') {
      const raw = value();
      if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DriverArgumentsError(`driver arguments: ${word} takes a whole number >= 1, not '${raw}'`);
      args.threads = Number(raw);
    } else if (word === '-p' || word === '--parallel') {
      args.parallel = true;
    } else if (word === '--transport') {
      const raw = value();
      if (raw !== 'ssh' && raw !== 'persistent') throw new DriverArgumentsError(`driver arguments: --transport is ssh or persistent, not '${raw}'`);
      args.transport = raw satisfies DriverTransport;
    } else if (word === '--farm') {
      args.farm = value();
    } else if (word === '--farm-file') {
      args.farmFile = value();
    } else if (IGNORED_WITH_VALUE.has(word)) {
      value();
    } else if (word.startsWith('-')) {
      throw new DriverArgumentsError(
        `driver arguments: unknown option ${word} (expected -t N, -p, --transport ssh|persistent, --farm URL or --farm-file PATH)`,
      );
    }
  }
  return args;
}

/** The ARGUMENTS string for `args`: what oned.conf would say. */
export function formatDriverArguments(args: DriverArguments): string {
  const words = [`-t ${args.threads}`];
  if (args.parallel) words.push('-p');
  if (args.transport === 'ssh') words.push('--transport ssh');
  if (args.farm !== undefined) words.push(`--farm ${args.farm}`);
  if (args.farmFile !== undefined) words.push(`--farm-file ${args.farmFile}`);
  return words.join(' ');
}
