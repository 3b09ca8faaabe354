import type { Command } from 'commander';
import { stringify } from 'yaml';
import { didYouMean, isUserError } from '../harness/errors.js';
import { ExitCode } from '../harness/result.js';
import { PATHOLOGIES, loadScenario, type StackProfile } from '../harness/scenario.js';
import type { CommandIo, Done } from './command.js';

/**
 * `stampede profiles`: the stack profiles a scenario can name. `show NAME` prints one resolved
 * through `extends`, as YAML a scenario's `profiles:` takes; `diff A B` the knobs that differ.
 * `--scenario FILE` adds that scenario's own profiles to the built-in ones.
 */
export function registerProfilesCommand(program: Command, io: CommandIo, done: Done): void {
  const profiles = program
    .command('profiles')
    .description('List the stack profiles; show one resolved through extends; diff two.')
    .option('--scenario <file>', "include this scenario's own profiles")
    .action(async (options: { scenario?: string }) => done(await guarded(io, async () => list(await known(options.scenario), io))));
  profiles
    .command('show')
    .description('Print a profile, resolved through extends, as YAML.')
    .argument('<name>', 'profile name')
    .action(async (name: string) =>
      done(await guarded(io, async () => io.stdout.write(stringify(pick(await known(profiles.opts<{ scenario?: string }>().scenario), name))))),
    );
  profiles
    .command('diff')
    .description('Show the knobs that differ between two profiles.')
    .argument('<a>', 'profile name')
    .argument('<b>', 'profile name')
    .action(async (a: string, b: string) =>
      done(
        await guarded(io, async () => {
          const all = await known(profiles.opts<{ scenario?: string }>().scenario);
          io.stdout.write(diff(pick(all, a), pick(all, b)));
        }),
      ),
    );
}

class NoSuchProfile extends Error {}

async function guarded(io: CommandIo, work: () => Promise<unknown>): Promise<number> {
  try {
    await work();
    return ExitCode.OK;
  } catch (error) {
    if (!(error instanceof NoSuchProfile) && !isUserError(error)) throw error;
    io.stderr.write(`stampede profiles: ${error.message}\n`);
    return ExitCode.COULD_NOT_RUN;
  }
}

async function known(scenario: string | undefined): Promise<Record<string, StackProfile>> {
  return (await loadScenario(scenario)).profiles;
}

function pick(all: Record<string, StackProfile>, name: string): StackProfile {
  const profile = all[name];
  if (!profile) throw new NoSuchProfile(`no profile "${name}"${didYouMean(name, Object.keys(all))}; known: ${Object.keys(all).join(', ')}.`);
  return profile;
}

function list(all: Record<string, StackProfile>, io: CommandIo): void {
  const width = Math.max(...Object.keys(all).map((n) => n.length));
  for (const [name, p] of Object.entries(all)) {
    const on = PATHOLOGIES.filter((x) => p.pathologies[x]);
    const s = p.scheduler;
    io.stdout.write(
      `${name.padEnd(width)}  SCHED_INTERVAL ${s.SCHED_INTERVAL} s, MAX_DISPATCH ${s.MAX_DISPATCH}, MAX_HOST ${s.MAX_HOST}, ` +
        `TM -t ${p.tm.threads}, VMM -t ${p.vmm.threads}; ${on.length > 0 ? `pathologies: ${on.join(', ')}` : 'no pathologies'}\n`,
    );
  }
}

/** Every knob as `path: value`, nested objects flattened with dots. */
function knobs(value: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) for (const [p, x] of knobs(v, path ? `${path}.${k}` : k)) out.set(p, x);
  } else out.set(path, JSON.stringify(value));
  return out;
}

function diff(a: StackProfile, b: StackProfile): string {
  const ka = knobs({ ...a, name: undefined });
  const kb = knobs({ ...b, name: undefined });
  const rows = [...new Set([...ka.keys(), ...kb.keys()])]
    .filter((k) => ka.get(k) !== kb.get(k))
    .map((k) => [k, ka.get(k) ?? '-', kb.get(k) ?? '-'] as const);
  if (rows.length === 0) return `${a.name} and ${b.name} have the same knobs\n`;
  const header = ['knob', a.name, b.name] as const;
  const widths = [0, 1].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}\n`;
  return [header, ...rows].map(line).join('');
}
