/**
 * A farm shard (docs/architecture.md, "Farm shards"): a slice of the host farm served over HTTP
 * by `stampede farm`, for a run whose farm is bigger than one process. Besides the drivers' wire
 * (adapters/farm-wire.ts: POST /tm, /vmm, /im), a shard answers the harness that runs on it:
 *
 *   GET  /shard    {"hosts":["host-0001",...],"session":false}     the names it plays
 *   POST /session  {"scale":20,"seed":1,"hosts":[HostSpec],"latency":{..},"faults":{..},"store":{..},"headNode":{..}}
 *                  -> 200, one JSON line per event for as long as the connection stays open:
 *                     {"session":1,"now":0.4} first, then every FarmEvent of the farm, stamped on the shard's clock
 *   GET  /clock    {"now":1234.5}                                   the session's clock, emulated ms
 *   GET  /lost-time {"lag":{..},"lost":{"at":[..],"lost":[..]}}     where that clock lost emulated time (harness/remote-clock.ts)
 *   POST /crash    {"host":"host-0003"}                             -> 204, as a fault plan's crashAt
 *
 * A session is one run: it gets a fresh farm (the hosts the harness asked for, shaped as its
 * scenario says) on a fresh scaled clock at the run's factor, and ends when its connection
 * closes, the harness's end or its crash alike. A new session replaces the one before, so a
 * long-lived shard (a pod) serves run after run.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HostFarm, type HostFarmOptions } from '../adapters/host-farm.js';
import type { FarmEvent } from '../adapters/farm-events.js';
import type { DriverTransport, Drivers } from '../opennebula/driver.js';
import { Random } from '../sim/random.js';
import { ScaledClock } from '../sim/scaled-clock.js';
import { UserError } from './errors.js';
import { BadRequest, parseJsonBody, readBody, serveFarm, type FarmServer } from './farm-server.js';
import { LOST_TIME_RESOLUTION_WALL_MS } from './remote-clock.js';

/** What a harness sends to open a session: the farm part of its resolved scenario, for this shard's hosts. */
export interface ShardSession {
  scale: number;
  seed: number;
  hosts: NonNullable<HostFarmOptions['hosts']>;
  latency?: HostFarmOptions['latency'];
  faults?: HostFarmOptions['faults'];
  store?: HostFarmOptions['store'];
  headNode?: HostFarmOptions['headNode'];
}

/**
 * Host names from ranges: `host-0001..host-5000` (both ends have the same prefix and digit count;
 * names keep the zero padding), a single name, or several of either separated by commas.
 */
export function parseHostRange(text: string): string[] {
  const names: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') throw new UserError(`--hosts "${text}": an empty item; write e.g. host-0001..host-0500`);
    const range = /^(.*?)(\d+)\.\.(.*?)(\d+)$/.exec(part);
    if (!range) {
      if (!/^[^\s:/]+$/.test(part)) throw new UserError(`--hosts "${part}" is not a host name or a range like host-0001..host-0500`);
      names.push(part);
      continue;
    }
    const [, prefix, from, prefixTo, to] = range as unknown as [string, string, string, string, string];
    if (prefix !== prefixTo || from.length !== to.length) {
      throw new UserError(`--hosts "${part}": both ends of a range need the same prefix and as many digits, e.g. host-0001..host-0500`);
    }
    const a = Number(from);
    const b = Number(to);
    if (b < a) throw new UserError(`--hosts "${part}": the range ends before it starts`);
    if (names.length + b - a + 1 > 1_000_000) throw new UserError(`--hosts "${text}": more than 1,000,000 hosts in one shard`);
    for (let i = a; i <= b; i += 1) names.push(`${prefix}${String(i).padStart(from.length, '0')}`);
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new UserError(`--hosts "${text}" names ${n} twice`);
    seen.add(n);
  }
  return names;
}

export interface FarmShard {
  readonly url: string;
  readonly hosts: readonly string[];
  close(): Promise<void>;
}

interface Session {
  id: number;
  clock: ScaledClock;
  farm: HostFarm;
  drivers: Map<DriverTransport, Drivers>;
  end(): void;
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);

/** Serves `hosts` as a farm shard on host:port (127.0.0.1, port 0: an ephemeral one). */
export async function serveFarmShard(options: { hosts: readonly string[]; port?: number; host?: string }): Promise<FarmShard> {
  const own = new Set(options.hosts);
  let session: Session | undefined;
  let sessions = 0;

  const open = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void => {
    const spec = body as unknown as ShardSession;
    if (typeof spec.scale !== 'number' || !(spec.scale > 0)) throw new BadRequest('a session needs a positive scale (the run\'s clock factor)');
    if (typeof spec.seed !== 'number' || !Array.isArray(spec.hosts)) throw new BadRequest('a session needs a numeric seed and a list of hosts');
    const foreign = spec.hosts.find((h) => !own.has(h?.name));
    if (foreign) throw new BadRequest(`host ${String(foreign?.name)} is not one of this shard's ${own.size} hosts`);
    session?.end();
    const clock = new ScaledClock(spec.scale);
    const write = (e: FarmEvent): void => void res.write(`${JSON.stringify(e)}\n`);
    let farm: HostFarm;
    try {
      farm = new HostFarm({
        clock,
        random: new Random(spec.seed),
        hosts: spec.hosts,
        ...(spec.latency === undefined ? {} : { latency: spec.latency }),
        ...(spec.faults === undefined ? {} : { faults: spec.faults }),
        ...(spec.store === undefined ? {} : { store: spec.store }),
        ...(spec.headNode === undefined ? {} : { headNode: spec.headNode }),
        onEvent: write,
      });
    } catch (error) {
      throw new BadRequest((error as Error).message);
    }
    sessions += 1;
    const current: Session = {
      id: sessions,
      clock,
      farm,
      drivers: new Map(),
      end: () => {
        farm.stop();
        if (session === current) session = undefined;
        res.end();
      },
    };
    session = current;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write(`${JSON.stringify({ session: current.id, now: clock.now() })}\n`);
    req.socket.setNoDelay(true);
    res.on('close', () => current.end());
  };

  const routes = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === '/shard') {
      json(res, 200, { hosts: options.hosts, session: session !== undefined });
      return true;
    }
    if (req.method === 'GET' && path === '/clock') {
      if (!session) json(res, 409, { error: 'no session: no run has opened one' });
      else json(res, 200, { now: session.clock.now(), lag: session.clock.lag() });
      return true;
    }
    if (req.method === 'GET' && path === '/lost-time') {
      if (!session) json(res, 409, { error: 'no session: no run has opened one' });
      else json(res, 200, session.clock.lostTime(LOST_TIME_RESOLUTION_WALL_MS * session.clock.scale));
      return true;
    }
    if (req.method !== 'POST' || (path !== '/session' && path !== '/crash')) return false;
    readBody(req)
      .then((text) => {
        const body = parseJsonBody(text);
        if (path === '/session') return open(req, res, body);
        const host = body['host'];
        if (typeof host !== 'string' || !session) throw new BadRequest(session ? 'a crash names its host' : 'no session: no run has opened one');
        session.farm.crash(host);
        res.writeHead(204).end();
      })
      .catch((error: unknown) => {
        const status = error instanceof BadRequest || error instanceof RangeError ? 400 : 500;
        if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
      });
    return true;
  };

  // the drivers' wire: the current session's farm, drivers kept per transport for the session
  const launcher = ({ transport }: { transport: DriverTransport }): Drivers => {
    const of = (): Drivers => {
      const s = session;
      if (!s) throw new Error('no session: no run has opened one on this farm shard');
      let d = s.drivers.get(transport);
      if (!d) s.drivers.set(transport, (d = s.farm.launcher({ transport })));
      return d;
    };
    return {
      tm: { transfer: (r) => of().tm.transfer(r) },
      vmm: { execute: (r) => of().vmm.execute(r) },
      im: { monitor: (r) => of().im.monitor(r) },
    };
  };

  let server: FarmServer;
  try {
    server = await serveFarm({ launcher, routes, port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
    if (code === 'EADDRINUSE') throw new UserError(`--listen ${where}: the port is taken; choose another`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UserError(`--listen ${where}: not an address of this machine`);
    if (code === 'EACCES') throw new UserError(`--listen ${where}: the port needs privileges; choose one above 1023`);
    throw error;
  }
  return {
    url: server.url,
    hosts: options.hosts,
    async close() {
      session?.end();
      await server.close();
    },
  };
}
