import { InvalidArgumentError, Option, type Command } from 'commander';
import { isUserError, UserError } from '../harness/errors.js';
import { readAuthFile } from '../harness/one-auth.js';
import { ExitCode } from '../harness/result.js';
import { loadScenario } from '../harness/scenario.js';
import { serveStack } from '../harness/stack-service.js';
import { profileName, scenarioSetting, type ScenarioSetting } from './options.js';
import type { CliDeps } from './main.js';
import { untilSignal } from './signals.js';

const LOOPBACK = '127.0.0.1';

const HELP = `
Serves the reference stack's OpenNebula XML-RPC API at http://127.0.0.1:PORT/RPC2, system.multicall
included, until Ctrl-C or SIGTERM. Reach it as OpenNebula's tools do:
  $ export ONE_XMLRPC=http://127.0.0.1:2633/RPC2
  $ echo 'oneadmin:oneadmin' > ~/.one/one_auth      (or ONE_AUTH=FILE)
The session is oneadmin:oneadmin unless --auth FILE gives one (a line user:password, user
oneadmin); listening on any address but 127.0.0.1 requires --auth.
Examples:
  $ stampede stack
  $ stampede stack --port 2634 --profile opennebula-4.4 --set clock=scaled:20
  $ stampede stack --listen 0.0.0.0 --auth /etc/stampede/one_auth
`;

function port(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(n >= 0 && n <= 65535)) throw new InvalidArgumentError(`--port must be a TCP port 0-65535, got "${value}".`);
  return n;
}

interface StackFlags {
  port: number;
  listen: string;
  profile?: string;
  set?: ScenarioSetting[];
  auth?: string;
  farm?: string;
  farmFile?: string;
}

/** `stampede stack`; sets the exit code through `done` once the stack has stopped. */
export function registerStackCommand(program: Command, deps: CliDeps, done: (code: number) => void): void {
  program
    .command('stack')
    .description('Serve the reference stack over XML-RPC (OpenNebula API) until interrupted.')
    .addOption(new Option('--port <n>', 'TCP port (0 picks a free one)').default(2633).argParser(port))
    .addOption(new Option('--listen <address>', 'address to listen on; other than 127.0.0.1 requires --auth').default(LOOPBACK))
    .addOption(new Option('--profile <name>', "stack profile: optimized, opennebula-4.4, opennebula-7.5").argParser(profileName))
    .addOption(new Option('--set <path=value>', 'any scenario field, e.g. --set clock=scaled:20 --set hosts.count=64 (repeatable)').argParser(scenarioSetting))
    .addOption(new Option('--auth <file>', 'the session file (user:password, user oneadmin) instead of oneadmin:oneadmin'))
    .addOption(new Option('--farm <url>', 'drivers as MAD processes (stampede driver) acting on the host farm at URL'))
    .addOption(new Option('--farm-file <path>', 'the same, the farm URL read from PATH (a harness in endpoint mode writes it)').conflicts('farm'))
    .addHelpText('after', HELP)
    .action(async (flags: StackFlags) => {
      try {
        done(await serve(flags, deps));
      } catch (error) {
        if (!isUserError(error)) throw error;
        deps.stderr.write(`stampede stack: ${error.message}\n`);
        done(ExitCode.COULD_NOT_RUN);
      }
    });
}

async function serve(flags: StackFlags, deps: CliDeps): Promise<number> {
  if (flags.listen !== LOOPBACK && flags.auth === undefined) {
    throw new UserError(`listening on ${flags.listen} needs --auth FILE: the default session oneadmin:oneadmin is for 127.0.0.1 only`);
  }
  let users: Record<string, string> | undefined;
  if (flags.auth !== undefined) {
    const auth = readAuthFile(flags.auth, `--auth ${flags.auth}`);
    if (auth.user !== 'oneadmin') throw new UserError(`--auth ${flags.auth} must name the user oneadmin, the account the stack's scheduler calls as`);
    users = { oneadmin: auth.password };
  }
  const resolved = await loadScenario(undefined, {
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
    ...(flags.set === undefined ? {} : { set: flags.set }),
  });
  const farm = flags.farm !== undefined ? { url: flags.farm } : flags.farmFile !== undefined ? { file: flags.farmFile } : undefined;
  const served = await serveStack({ resolved, port: flags.port, host: flags.listen, ...(users ? { users } : {}), ...(farm ? { farm } : {}) });
  deps.stdout.write(
    `stampede stack: the reference stack (profile ${resolved.profile.name}) serves ${served.url}\n` +
      `  session: ${users ? `oneadmin with the password in ${flags.auth}` : 'oneadmin:oneadmin'}; clock: ${served.scale === 1 ? 'real time' : `scaled:${served.scale}`}; drivers: ${served.drivers}\n` +
      '  Ctrl-C or SIGTERM stops it.\n',
  );
  const how = await untilSignal(deps.signals ?? process);
  await served.close();
  deps.stdout.write(`stampede stack: stopped (${how})\n`);
  return ExitCode.OK;
}
