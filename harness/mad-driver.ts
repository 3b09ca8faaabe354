/**
 * `stampede driver tm|vmm|im [ARGUMENTS]`: a MAD driver process (adapters/mad-process.ts) on
 * this process's stdin and stdout, acting on a host farm served over HTTP (farm-server.ts).
 * oned passes ARGUMENTS as one argv element; a shell wrapper may split it: both are read.
 * The farm's URL: `--farm URL`, else `--farm-file PATH` (read at every action, so the harness
 * may write it after the driver started), else the STAMPEDE_FARM environment variable.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { farmClient } from '../adapters/farm-client.js';
import type { DriverKind } from '../adapters/mad-drivers.js';
import { serveMad } from '../adapters/mad-process.js';
import { DriverArgumentsError, parseDriverArguments } from '../opennebula/driver-arguments.js';
import type { DriverArguments } from '../opennebula/driver.js';
import { UserError } from './errors.js';
import { wallClock } from './wall-clock.js';

export const DRIVER_KINDS: readonly DriverKind[] = ['tm', 'vmm', 'im'];

/** The environment variable a driver process reads the farm's URL from when its ARGUMENTS do not say. */
export const FARM_URL_ENV = 'STAMPEDE_FARM';

export interface MadDriverIo {
  stdin: Readable;
  stdout: Writable;
  env: Readonly<Record<string, string | undefined>>;
}

export function driverArguments(kind: string, words: readonly string[]): { kind: DriverKind; args: DriverArguments } {
  if (!(DRIVER_KINDS as readonly string[]).includes(kind)) throw new UserError(`unknown driver "${kind}"; expected tm, vmm or im`);
  try {
    return { kind: kind as DriverKind, args: parseDriverArguments(words) };
  } catch (error) {
    if (error instanceof DriverArgumentsError) throw new UserError(error.message);
    throw error;
  }
}

function farmUrl(args: DriverArguments, env: MadDriverIo['env']): string | (() => Promise<string>) {
  if (args.farm !== undefined) return args.farm;
  const file = args.farmFile;
  if (file !== undefined) {
    return async () => {
      try {
        return (await readFile(file, 'utf8')).trim();
      } catch (error) {
        throw new Error(`the host farm file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
  }
  const fromEnv = env[FARM_URL_ENV];
  if (fromEnv) return fromEnv;
  throw new UserError(`the driver has no host farm to act on: give --farm URL or --farm-file PATH in its ARGUMENTS, or set ${FARM_URL_ENV}`);
}

/** Runs until FINALIZE or the end of stdin; resolves to the exit code. */
export async function runMadDriver(kindName: string, words: readonly string[], io: MadDriverIo): Promise<number> {
  const { kind, args } = driverArguments(kindName, words);
  const client = farmClient(farmUrl(args, io.env));
  const clock = wallClock();
  const input = createInterface({ input: io.stdin, crlfDelay: Infinity });
  try {
    await serveMad({
      kind,
      args,
      drivers: client.drivers(args.transport),
      input,
      write: (line) => void io.stdout.write(`${line}\n`),
      readFile: (path) => readFile(path, 'utf8'),
      epochMs: () => clock.epochMs(),
    });
  } finally {
    input.close();
    // FINALIZE or the parent gone: what is still in flight has nobody to answer to
    await client.destroy();
  }
  return 0;
}
