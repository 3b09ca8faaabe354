/**
 * `stampede stack`: the reference stack served over XML-RPC, as a separate process a harness (or
 * OpenNebula's own CLI) reaches at http://HOST:PORT/RPC2 (docs/architecture.md, "The XML-RPC
 * wire"). Real sockets, so a scaled clock: the scenario's factor, or 1 (real time) when the
 * scenario says virtual. The stack's drivers come from `stackDrivers`, the one place that
 * decides what they are.
 */
import { HostFarm } from '../adapters/host-farm.js';
import { madLauncher } from '../adapters/mad-drivers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MadProcesses } from '../stack/mad-processes.js';
import { FARM_URL_ENV } from './mad-driver.js';
import { stampedeCommand } from './stampede-command.js';
import type { DriverLauncher } from '../opennebula/driver.js';
import type { Clock } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { TimerHeap } from '../sim/timer-heap.js';
import { ReferenceStack } from '../stack/reference-stack.js';
import { profileServerOptions, XmlRpcServer } from '../stack/xmlrpc-server.js';
import { UserError } from './errors.js';
import { LOST_TIME_RESOLUTION_WALL_MS, STACK_CLOCK_PATH, STACK_LOST_TIME_PATH } from './remote-clock.js';
import type { ResolvedScenario } from './scenario.js';

export interface StackDrivers {
  launcher: DriverLauncher;
  /** what the drivers are, for the line `stampede stack` prints */
  description: string;
  /** resolves once the drivers can take actions (MAD processes: every one answered INIT) */
  ready?(): Promise<void>;
  stop(): void | Promise<void>;
}

/** Where MAD driver processes find the host farm: its URL, or a file a harness writes it to. */
export type FarmLocation = { url: string } | { file: string };

/**
 * The stack's drivers as MAD child processes (`stampede driver tm|vmm|im`, spoken to over the MAD
 * protocol as oned does) acting on a host farm served over HTTP elsewhere: a harness's.
 */
export function madProcessDrivers(farm: FarmLocation): StackDrivers {
  const cli = stampedeCommand();
  const vmsDir = mkdtempSync(join(tmpdir(), 'stampede-vms-'));
  const where = 'url' in farm ? farm.url : `the URL in ${farm.file}`;
  const mads = new MadProcesses(
    { tm: [...cli, 'driver', 'tm'], vmm: [...cli, 'driver', 'vmm'], im: [...cli, 'driver', 'im'] },
    {
      vmsDir,
      ...('url' in farm ? { env: { ...process.env, [FARM_URL_ENV]: farm.url } } : { arguments: `--farm-file ${farm.file}` }),
    },
  );
  return {
    launcher: mads.launcher,
    description: `MAD driver processes (stampede driver tm|vmm|im) acting on the host farm at ${where}`,
    ready: () => mads.ready(),
    async stop() {
      await mads.stop();
      rmSync(vmsDir, { recursive: true, force: true });
    },
  };
}

/**
 * The drivers of a served stack: for now the host farm's dummy drivers in this process, playing
 * the scenario's hosts (the hosts a client allocates should carry those names), each behind its
 * MAD driver's pool (`-t`, and one action per host unless `-p`).
 */
export function stackDrivers(resolved: ResolvedScenario, clock: Clock): StackDrivers {
  const { scenario } = resolved;
  const farm = new HostFarm({
    clock,
    random: new Random(scenario.seed),
    hosts: resolved.hosts,
    latency: scenario.latency,
    store: scenario.store,
    headNode: scenario.headNode,
  });
  const names = resolved.hosts.map((h) => h.name);
  return {
    launcher: madLauncher(farm.launcher),
    description: `the host farm in this process: ${names.length} hosts, ${names[0]}${names.length > 1 ? ` .. ${names.at(-1)}` : ''}`,
    stop: () => farm.stop(),
  };
}

export interface ServeStackOptions {
  resolved: ResolvedScenario;
  port: number;
  /** listen address; 127.0.0.1 unless told */
  host?: string;
  /** user -> password; the stack's default (oneadmin:oneadmin) when absent */
  users?: Readonly<Record<string, string>>;
  /** drivers as MAD processes acting on the host farm there, instead of a farm in this process */
  farm?: FarmLocation;
}

export interface ServedStack {
  url: string;
  /** emulated seconds per wall second */
  scale: number;
  drivers: string;
  close(): Promise<void>;
}

export async function serveStack(options: ServeStackOptions): Promise<ServedStack> {
  const { resolved } = options;
  const scale = resolved.clock.kind === 'scaled' && typeof resolved.clock.scale === 'number' ? resolved.clock.scale : 1;
  const clock = new ScaledClock(scale);
  const drivers = options.farm ? madProcessDrivers(options.farm) : stackDrivers(resolved, clock);
  const stack = new ReferenceStack({
    clock: new TimerHeap(clock),
    profile: resolved.profile,
    launcher: drivers.launcher,
    ...(options.users ? { users: options.users } : {}),
  });
  try {
    await drivers.ready?.();
  } catch (error) {
    await drivers.stop();
    throw new UserError(`the stack's drivers did not start: ${(error as Error).message}`);
  }
  const server = new XmlRpcServer({
    table: stack.api.table,
    ...profileServerOptions(resolved.profile.api),
    // the stack process's clock, so a harness can count the time this process lost in its bounds
    get: {
      [STACK_CLOCK_PATH]: () => ({ now: clock.now(), lag: clock.lag() }),
      [STACK_LOST_TIME_PATH]: () => clock.lostTime(LOST_TIME_RESOLUTION_WALL_MS * scale),
    },
  });
  const host = options.host ?? '127.0.0.1';
  let url: string;
  try {
    url = await server.listen(options.port, host);
  } catch (error) {
    await drivers.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${options.port} on ${host} is taken; choose another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UserError(`${host} is not an address of this machine`);
    if (code === 'EACCES') throw new UserError(`port ${options.port} on ${host} needs privileges; choose one above 1023 with --port`);
    throw error;
  }
  stack.start();
  return {
    url,
    scale,
    drivers: drivers.description,
    async close() {
      await server.close();
      stack.stop();
      await drivers.stop();
    },
  };
}
