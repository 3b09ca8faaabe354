/**
 * A driver process's way to the host farm (farm-wire.ts): the farm's drivers, over HTTP with
 * undici. The `persistent` transport keeps a keep-alive pool of connections; `ssh` opens a new
 * connection per action and closes it after, as a driver that ssh-es to the host for every
 * action does (`ssh-per-action`; what that costs the head node is the farm's to emulate).
 *
 *   const farm = farmClient('http://127.0.0.1:40123');
 *   const drivers = farm.drivers('persistent');
 *   await farm.close();
 */
import type { Pool } from 'undici';
import type { DriverTransport, Drivers, MadReply } from '../opennebula/driver.js';
import { isMadReply, type FarmPath } from './farm-wire.js';

export class FarmUnreachableError extends Error {
  override readonly name = 'FarmUnreachableError';
}

export interface FarmClient {
  drivers(transport: DriverTransport): Drivers;
  /** Waits for the requests in flight, then closes every connection. */
  close(): Promise<void>;
  /** Drops every connection now, requests in flight included. */
  destroy(): Promise<void>;
}

let undici: Promise<typeof import('undici')> | undefined;

/** `url` may be given later: a function is asked for it at every action (a `--farm-file`). */
export function farmClient(url: string | (() => Promise<string>)): FarmClient {
  const pools = new Map<string, Pool>();
  const poolFor = async (origin: string): Promise<Pool> => {
    let pool = pools.get(origin);
    if (!pool) {
      // loaded on first use: undici costs a quarter of a second of CPU to load, and every
      // stampede command (a nightly run too) imports this module through the driver command
      const { Pool } = await (undici ??= import('undici'));
      pool = pools.get(origin); // another action may have made it while this one waited
      if (pool) return pool;
      pool = new Pool(origin, { connections: 64, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
      pools.set(origin, pool);
    }
    return pool;
  };
  const resolveUrl = typeof url === 'string' ? () => Promise.resolve(url) : url;

  const post = async (transport: DriverTransport, path: FarmPath, request: unknown): Promise<MadReply> => {
    const base = await resolveUrl();
    let origin: string;
    try {
      origin = new URL(base).origin;
    } catch {
      throw new FarmUnreachableError(`the host farm URL '${base}' is not a URL`);
    }
    const body = JSON.stringify({ transport, request });
    let status: number;
    let text: string;
    try {
      // ssh: a connection of its own, closed after the action (reset); persistent: the pool's
      const response = await (await poolFor(origin)).request({
        method: 'POST',
        path,
        body,
        headers: { 'content-type': 'application/json' },
        reset: transport === 'ssh',
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new FarmUnreachableError(`cannot reach the host farm at ${origin}: ${(error as Error).message}`);
    }
    if (status !== 200) throw new FarmUnreachableError(`the host farm at ${origin} answered ${status}: ${text.trim()}`);
    const reply: unknown = JSON.parse(text);
    if (!isMadReply(reply)) throw new FarmUnreachableError(`the host farm at ${origin} answered something that is not a MAD reply`);
    return reply;
  };

  return {
    drivers: (transport) => ({
      tm: { transfer: (request) => post(transport, '/tm', request) },
      vmm: { execute: (request) => post(transport, '/vmm', request) },
      im: { monitor: (request) => post(transport, '/im', request) },
    }),
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
      pools.clear();
    },
    async destroy() {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
      pools.clear();
    },
  };
}
