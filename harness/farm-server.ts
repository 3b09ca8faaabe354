/**
 * The host farm and the NET-MSG collector served over HTTP on 127.0.0.1 (adapters/farm-wire.ts),
 * for driver processes: the farm stays in the harness process, so every boundary is stamped
 * by one clock. The driver tap is inside `launcher`, so the trace sees an action when a driver's
 * worker sends it, exactly as in an embedded run.
 *
 *   const server = await serveFarm({ launcher, onNetMsg });   // port 0: the system picks one
 *   server.url                                                  // http://127.0.0.1:PORT
 *   await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FarmLauncher } from '../adapters/mad-drivers.js';
import type { NetMsgCall } from '../adapters/farm-wire.js';
import { failure, success, type DriverTransport, type Drivers, type MadReply } from '../opennebula/driver.js';

export interface FarmServerOptions {
  launcher: FarmLauncher;
  onNetMsg?: (m: NetMsgCall) => void;
  /** default 0: an ephemeral port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** routes of a caller's own (a farm shard's), tried first: true when it answered the request */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface FarmServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** called for every TCP connection a driver opens (to count them) */
  onConnection(listener: () => void): void;
  /**
   * The run is over and the farm frozen: from now on every action is answered at once, SUCCESS
   * (MONITOR: FAILURE), so a stack can clean up after the run without the farm's time passing.
   */
  retire(): void;
  close(): Promise<void>;
}

/** Largest body a driver sends: a transfer file of a VM with many disks fits many times over. */
const MAX_BODY = 1 << 20;

export class BadRequest extends Error {}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new BadRequest(`the body is larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJsonBody(body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest('the body is not a JSON object');
  return value as Record<string, unknown>;
}

function transportOf(call: Record<string, unknown>): DriverTransport {
  const t = call['transport'];
  if (t !== 'ssh' && t !== 'persistent') throw new BadRequest(`transport must be ssh or persistent, not ${JSON.stringify(t)}`);
  const request = call['request'];
  if (typeof request !== 'object' || request === null) throw new BadRequest('the body has no request object');
  return t;
}

const RETIRED: Drivers = {
  tm: { transfer: async (r) => success('TRANSFER', r.vmId) },
  vmm: { execute: async (r) => success(r.action, r.vmId, r.action === 'DEPLOY' ? `one-${r.vmId}` : '-') },
  im: { monitor: async (r) => failure('MONITOR', r.hostId, 'the run is over: the host farm is stopped') },
};

export async function serveFarm(options: FarmServerOptions): Promise<FarmServer> {
  const drivers = new Map<DriverTransport, Drivers>();
  let retired = false;
  const driversFor = (t: DriverTransport): Drivers => {
    if (retired) return RETIRED;
    let d = drivers.get(t);
    if (!d) drivers.set(t, (d = options.launcher({ transport: t })));
    return d;
  };

  const route = async (path: string, body: string): Promise<MadReply | undefined> => {
    const call = parseJsonBody(body);
    if (path === '/net-msg') {
      const vmId = call['vmId'];
      const host = call['host'];
      if (typeof vmId !== 'number' || typeof host !== 'string') throw new BadRequest('a NET-MSG has a numeric vmId and a host');
      options.onNetMsg?.({ vmId, host, ...(typeof call['name'] === 'string' ? { name: call['name'] } : {}) });
      return undefined;
    }
    const d = driversFor(transportOf(call));
    // the request is the driver's, decoded from oned's own message: the farm checks what it uses
    const request = call['request'] as never;
    if (path === '/tm') return d.tm.transfer(request);
    if (path === '/vmm') return d.vmm.execute(request);
    return d.im.monitor(request);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (options.routes?.(req, res)) return;
    const path = req.url ?? '';
    if (req.method !== 'POST' || !['/tm', '/vmm', '/im', '/net-msg'].includes(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${req.method} ${path} here: POST /tm, /vmm, /im or /net-msg\n`);
      return;
    }
    readBody(req)
      .then((body) => route(path, body))
      .then(
        (reply) => {
          if (reply === undefined) res.writeHead(204).end();
          else res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(reply)}\n`);
        },
        (error: unknown) => {
          const status = error instanceof BadRequest ? 400 : 500;
          if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
        },
      );
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    onConnection: (listener) => void server.on('connection', listener),
    retire: () => void (retired = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
