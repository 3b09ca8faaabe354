import { InvalidArgumentError, Option, type Command } from 'commander';
import { serveFarmShard, parseHostRange } from '../harness/farm-shard.js';
import { isUserError, UserError } from '../harness/errors.js';
import { ExitCode } from '../harness/result.js';
import type { CliDeps } from './main.js';
import { untilSignal } from './signals.js';

const LOOPBACK = '127.0.0.1';

const HELP = `
Serves a slice of the host farm, the hosts --hosts names, for runs whose farm is spread over
several processes, containers or pods (README.md, "Farm shards"). A run names its shards with
--set 'farm.shards=[http://127.0.0.1:40201, http://127.0.0.1:40202]'; each run opens a session
that gives the shard a fresh farm shaped by the run's scenario, on the run's clock factor.
The stack's drivers reach it through the harness. Runs until Ctrl-C or SIGTERM.
Examples:
  $ stampede farm --hosts host-01..host-08 --listen 127.0.0.1:40201
  $ stampede farm --hosts host-0001..host-5000 --listen 0.0.0.0:7070      (a pod; the farm wire has no authentication)
  $ stampede farm --hosts host-0001..host-5000 --shard 1/2 --listen 0.0.0.0:7070   (host-2501 .. host-5000)
`;

/** `--listen HOST:PORT` (or a bare PORT, on 127.0.0.1). */
export function listenAddress(value: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[^:\s]+):)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new InvalidArgumentError(`--listen must be HOST:PORT or PORT (0 picks a free one), got "${value}".`);
  return { host: m[1]?.replace(/^\[|\]$/g, '') ?? LOOPBACK, port };
}

function hostRange(value: string): string[] {
  try {
    return parseHostRange(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * `--shard I/N`: the I-th (from 0) of N contiguous, near-equal slices of `hosts`, e.g. a
 * StatefulSet pod's index; the N slices together are `hosts`, each host in one.
 */
export function shardSlice(hosts: readonly string[], shard: string): string[] {
  const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
  const i = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!(n >= 1 && i >= 0 && i < n)) throw new InvalidArgumentError(`--shard must be I/N with 0 <= I < N, e.g. 0/2, got "${shard}".`);
  if (n > hosts.length) throw new InvalidArgumentError(`--shard ${shard}: ${n} shards for ${hosts.length} hosts leaves some with none.`);
  return hosts.slice(Math.floor((i * hosts.length) / n), Math.floor(((i + 1) * hosts.length) / n));
}

interface FarmFlags {
  hosts: string[];
  shard?: string;
  listen: { host: string; port: number };
}

/** `stampede farm`; sets the exit code through `done` once the shard has stopped. */
export function registerFarmCommand(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('farm')
    .description('Serve a slice of the host farm (a farm shard) over HTTP until interrupted.')
    .addOption(new Option('--hosts <range>', 'the hosts it plays: host-0001..host-5000, or names and ranges separated by commas').argParser(hostRange).makeOptionMandatory())
    .addOption(new Option('--shard <i/n>', 'play only the I-th (from 0) of N equal slices of --hosts, e.g. a StatefulSet pod\'s index'))
    .addOption(new Option('--listen <host:port>', 'address and port; port 0 picks a free one').default(listenAddress(`${LOOPBACK}:0`), `${LOOPBACK}:0`).argParser(listenAddress))
    .addHelpText('after', HELP)
    .action(async (flags: FarmFlags) => {
      try {
        let h = flags.hosts;
        if (flags.shard !== undefined) {
          try {
            h = shardSlice(h, flags.shard);
          } catch (error) {
            throw new UserError((error as Error).message);
          }
        }
        const shard = await serveFarmShard({ hosts: h, port: flags.listen.port, host: flags.listen.host });
        deps.stdout.write(
          `stampede farm: a shard of ${h.length} host${h.length === 1 ? '' : 's'} (${h[0]}${h.length > 1 ? ` .. ${h.at(-1)}` : ''}) serves ${shard.url}\n` +
            '  Ctrl-C or SIGTERM stops it.\n',
        );
        const how = await untilSignal(deps.signals ?? process);
        await shard.close();
        deps.stdout.write(`stampede farm: stopped (${how})\n`);
        done(ExitCode.OK);
      } catch (error) {
        if (!isUserError(error)) throw error;
        deps.stderr.write(`stampede farm: ${error.message}\n`);
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}
