import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { serveFarm } from '../farm-server.js';
import { readStackLostTime } from '../remote-clock.js';
import { stampedeCommand } from '../stampede-command.js';
import { wallClock } from '../wall-clock.js';
import { XmlRpcClient } from '../xmlrpc-client.js';
import type { ResolvedScenario } from '../scenario.js';
import type { LaunchMode } from './types.js';

/** Real seconds to wait for the stack child to serve (it starts its three drivers first). */
const START_TIMEOUT_MS = 300_000;

export const ProcessOptionsSchema = z.strictObject({
  /** the command that runs stampede, before its subcommand; default: this stampede */
  command: z.array(z.string().min(1)).min(1).optional(),
});
export type ProcessOptions = z.infer<typeof ProcessOptionsSchema>;

/**
 * `stampede stack ...` as process and container modes start it: on `port` (0: a free one), the
 * run's clock factor and profiles, its drivers acting on the farm at `farmUrl`.
 */
export function stackArguments(resolved: ResolvedScenario, port: number, farmUrl: string): string[] {
  const { scenario } = resolved;
  const scale = resolved.clock.kind === 'scaled' ? resolved.clock.scale : 1;
  return [
    'stack',
    '--port',
    String(port),
    '--set',
    `clock=scaled:${scale}`,
    '--set',
    `profiles=${JSON.stringify(scenario.profiles)}`,
    '--set',
    `profile=${JSON.stringify(scenario.profile)}`,
    '--farm',
    farmUrl,
  ];
}

/**
 * The reference stack as a child process (`stampede stack`), reached over XML-RPC on 127.0.0.1,
 * with its drivers as MAD child processes of its own (`stampede driver tm|vmm|im`, spoken to over
 * the MAD protocol: the same executables a real oned would start). The host farm and the
 * collector stay here, served over HTTP to those drivers, so one clock stamps every boundary.
 * Real processes and sockets: the scaled clock, whose factor the stack child runs on too.
 */
export const processMode: LaunchMode<ProcessOptions> = {
  name: 'process',
  description: 'reference stack and MAD drivers as child processes; XML-RPC and the host farm over HTTP on 127.0.0.1',
  clocks: ['scaled'],
  options: ProcessOptionsSchema,
  async start({ resolved, farm, meter }, options) {
    if (resolved.clock.kind !== 'scaled') throw new UserError('launch mode process runs on the scaled clock (--clock scaled:FACTOR)');
    const server = await serveFarm({ launcher: farm });
    const [file, ...prefix] = options.command ?? stampedeCommand();
    const args = [...prefix, ...stackArguments(resolved, 0, server.url)];
    const child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<string>((resolve) => {
      child.on('error', (e) => resolve(`could not be started (${e.message})`));
      child.on('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
    const stop = async (): Promise<void> => {
      meter?.readProcess();
      child.kill('SIGTERM');
      const timer = wallClock().timer(10_000, () => child.kill('SIGKILL'));
      await exited;
      timer.cancel();
      process.off('exit', killOnExit);
      await server.close();
    };
    const lines = createInterface({ input: child.stdout! });
    const served = new Promise<string>((resolve) => lines.on('line', (l) => /serves (http:\/\/\S+)/.test(l) && resolve(/serves (http:\/\/\S+)/.exec(l)![1]!)));
    let timer: { cancel(): void } | undefined;
    const timeout = new Promise<string>((resolve) => (timer = wallClock().timer(START_TIMEOUT_MS, () => resolve('timeout'))));
    const outcome = await Promise.race([served, exited.then((how) => `exit:${how}`), timeout]);
    timer?.cancel();
    lines.close();
    if (!outcome.startsWith('http://')) {
      await stop();
      const why = outcome === 'timeout' ? `did not serve within ${START_TIMEOUT_MS / 1000} s` : outcome.slice(5);
      throw new UserError(`the stack child process (${[file, ...args].join(' ')}) ${why}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    }
    // from here on: its start-up (loading code, starting its drivers) is not what a sweep fits
    if (meter && child.pid !== undefined) meter.startProcess(child.pid);
    const client = new XmlRpcClient(outcome);
    return {
      endpoint: client,
      session: 'oneadmin:oneadmin',
      lostTime: (runClock) => readStackLostTime(outcome, runClock),
      async stop() {
        await client.close();
        await stop();
      },
    };
  },
};
