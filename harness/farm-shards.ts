/**
 * A run's host farm spread over `stampede farm` shards (docs/architecture.md, "Farm shards").
 * Each shard plays some of the scenario's hosts; the run opens a session on every one (a fresh
 * farm of those hosts, the scenario's latency model, faults, store and seed, on the run's clock
 * factor) and merges what comes back on its own timeline:
 *
 * - driver actions go through here on their way to the shard that plays their host, so the tap
 *   stamps TM and VMM boundaries on the run's clock as in a single farm;
 * - the farm's own events (guest boots, NET-MSG, store reads, SSH set-ups, crashes) are stamped on
 *   the shard's clock, and moved onto the run's by that shard's offset, measured as NTP does: the
 *   shard's reading against the midpoint of the round trip that fetched it, the tightest of
 *   several. Half that round trip bounds the offset's error, and is reported per shard.
 */
import type { Dispatcher } from 'undici';
import type { FarmEvent } from '../adapters/farm-events.js';
import type { FarmLauncher } from '../adapters/mad-drivers.js';
import { farmClient, type FarmClient } from '../adapters/farm-client.js';
import type { DriverTransport, Drivers, TransferRequest } from '../opennebula/driver.js';
import { isTransferFiller, parseTransferLine, transferLineHost } from '../opennebula/transfer-file.js';
import type { Clock, ClockLag } from '../sim/clock.js';
import { UserError } from './errors.js';
import { measureOffset, onRunTimeline, type LostTimeReading, type RemoteLostTime } from './remote-clock.js';
import type { ShardSession } from './farm-shard.js';
import type { ResolvedScenario } from './scenario.js';

/** What a run says about each of its shards (result.json `shards`). */
export interface ShardReport {
  url: string;
  /** how many of the run's hosts it played, and the first and last of them */
  hosts: number;
  first: string;
  last: string;
  /** run clock minus shard clock, emulated ms: added to every event of the shard */
  offsetMs: number;
  /** half the round trip of the sample the offset came from: the offset's error bound, emulated ms */
  offsetErrorMs: number;
  /** the shard's own timer lateness and lost time over the run, as its clock measured them */
  lag: ClockLag | null;
  /** farm events it sent */
  events: number;
}

export interface ShardedFarm {
  readonly launcher: FarmLauncher;
  crash(host: string): void;
  stop(): void;
  /**
   * Closes every session and fetches each shard's own lag and where its clock lost time (on the
   * run's timeline, for the run's bounds); call once, after the run.
   */
  close(): Promise<{ reports: ShardReport[]; lost: RemoteLostTime[] }>;
}

let undici: Promise<typeof import('undici')> | undefined;
const http = (): Promise<typeof import('undici')> => (undici ??= import('undici'));

async function getJson(url: string, what: string): Promise<unknown> {
  const { request } = await http();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url);
  } catch (error) {
    throw new UserError(`the farm shard at ${new URL(url).origin} cannot be reached (${(error as Error).message}) for ${what}`);
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new UserError(`the farm shard at ${new URL(url).origin} answered ${res.statusCode} for ${what}: ${text.trim()}`);
  return JSON.parse(text) as unknown;
}

/** The host a driver request acts on: the VMM's and IM's name it, a transfer file's lines do. */
function hostOf(kind: 'tm' | 'vmm' | 'im', request: unknown): string | undefined {
  if (kind === 'vmm') return (request as { host?: string }).host;
  if (kind === 'im') return (request as { hostname?: string }).hostname;
  const { lines } = request as TransferRequest;
  for (const [i, line] of (lines ?? []).entries()) {
    if (isTransferFiller(line)) continue;
    try {
      const host = transferLineHost(parseTransferLine(line, i + 1));
      if (host !== undefined) return host;
    } catch {
      // a line the farm will refuse: whichever shard gets it says why
    }
  }
  return undefined;
}

interface Shard {
  url: string;
  hosts: string[];
  client: FarmClient;
  offsetMs: number;
  offsetErrorMs: number;
  events: number;
  session: AbortController;
  streaming: Promise<void>;
}

/**
 * Opens a session on every shard at `urls` for the run's hosts. `onEvent` gets the shards' farm
 * events already on the run's clock; a host no shard plays, or one two shards play, is a UserError.
 */
export async function openShards(options: {
  urls: readonly string[];
  resolved: ResolvedScenario;
  clock: Clock;
  onEvent: (e: FarmEvent) => void;
}): Promise<ShardedFarm> {
  const { resolved, clock } = options;
  if (resolved.clock.kind !== 'scaled' || typeof resolved.clock.scale !== 'number') {
    throw new UserError('farm shards run on the scaled clock (--clock scaled:FACTOR): a shard has real timers');
  }
  const scale = resolved.clock.scale;
  const { scenario } = resolved;
  /** the run is over: events from then on are not the run's */
  let stopped = false;
  const wanted = new Map(resolved.hosts.map((h) => [h.name, h]));
  const owner = new Map<string, string>();
  const plays: Array<{ url: string; hosts: string[] }> = [];
  for (const raw of options.urls) {
    const url = raw.replace(/\/+$/, '');
    const info = (await getJson(`${url}/shard`, 'its hosts')) as { hosts?: unknown; session?: unknown };
    if (!Array.isArray(info.hosts)) throw new UserError(`the farm shard at ${url} did not say which hosts it plays: is it a stampede farm?`);
    const mine = (info.hosts as string[]).filter((h) => wanted.has(h));
    for (const h of mine) {
      const other = owner.get(h);
      if (other !== undefined) throw new UserError(`host ${h} is played by two farm shards, ${other} and ${url}; give each host to one shard`);
      owner.set(h, url);
    }
    plays.push({ url, hosts: mine });
  }
  const orphans = [...wanted.keys()].filter((h) => !owner.has(h));
  if (orphans.length > 0) {
    throw new UserError(
      `${orphans.length} of the scenario's ${wanted.size} hosts are played by no farm shard (${orphans[0]}${orphans.length > 1 ? ` .. ${orphans.at(-1)}` : ''}); start a shard with --hosts for them`,
    );
  }

  const { hosts: hostFaults, ...farmWide } = scenario.faults;
  const shards: Shard[] = [];
  const byHost = new Map<string, Shard>();
  try {
    for (const { url, hosts } of plays) {
      if (hosts.length === 0) continue;
      const own = new Set(hosts);
      const session: ShardSession = {
        scale,
        seed: scenario.seed,
        hosts: hosts.map((h) => wanted.get(h)!),
        latency: scenario.latency,
        // crashAt is the run's to time (from the burst's start), as in a single farm
        faults: {
          ...farmWide,
          hosts: Object.fromEntries(
            Object.entries(hostFaults)
              .filter(([h]) => own.has(h))
              .map(([h, { crashAt: _ignored, ...rest }]) => [h, rest]),
          ),
        },
        // the image store (its bandwidth and nfsd threads) and the head node's CPU are one each: every shard gets its hosts' share,
        // which under processor sharing serves an even load as the whole would serve all of it
        store: {
          ...scenario.store,
          mbps: (scenario.store.mbps * hosts.length) / wanted.size,
          threads: Math.max(1, Math.round((scenario.store.threads * hosts.length) / wanted.size)),
        },
        headNode: { ...scenario.headNode, cores: (scenario.headNode.cores * hosts.length) / wanted.size },
      };
      const shard = await openSession(url, hosts, session, clock, options.onEvent);
      shards.push(shard);
      for (const h of hosts) byHost.set(h, shard);
    }
  } catch (error) {
    for (const s of shards) s.session.abort();
    await Promise.all(shards.map((s) => s.client.destroy()));
    throw error;
  }

  const first = shards[0]!;
  const launcher: FarmLauncher = ({ transport }: { transport: DriverTransport }): Drivers => {
    const to = (kind: 'tm' | 'vmm' | 'im', request: unknown): Drivers => {
      const host = hostOf(kind, request);
      return ((host === undefined ? undefined : byHost.get(host)) ?? first).client.drivers(transport);
    };
    return {
      tm: { transfer: (r) => to('tm', r).tm.transfer(r) },
      vmm: { execute: (r) => to('vmm', r).vmm.execute(r) },
      im: { monitor: (r) => to('im', r).im.monitor(r) },
    };
  };

  return {
    launcher,
    crash(host) {
      const shard = byHost.get(host);
      if (!shard || stopped) return;
      void http().then(({ request }) =>
        request(`${shard.url}/crash`, { method: 'POST', body: JSON.stringify({ host }) }).then(
          (r) => r.body.dump(),
          () => undefined,
        ),
      );
    },
    stop() {
      // the run is over: events from now on are not the run's (the tracer is frozen too)
      stopped = true;
    },
    async close() {
      stopped = true;
      const reports: ShardReport[] = [];
      const lost: RemoteLostTime[] = [];
      for (const s of shards) {
        const reading = await getJson(`${s.url}/lost-time`, 'its lag').then(
          (c) => c as LostTimeReading,
          () => undefined,
        );
        const lag: ClockLag | null = reading?.lag ?? null;
        if (reading) lost.push(onRunTimeline(reading, { offsetMs: s.offsetMs, errorMs: s.offsetErrorMs }));
        s.session.abort();
        await s.streaming;
        await s.client.destroy();
        reports.push({ url: s.url, hosts: s.hosts.length, first: s.hosts[0]!, last: s.hosts.at(-1)!, offsetMs: s.offsetMs, offsetErrorMs: s.offsetErrorMs, lag, events: s.events });
      }
      return { reports, lost };
    },
  };

  async function openSession(url: string, hosts: string[], session: ShardSession, runClock: Clock, onEvent: (e: FarmEvent) => void): Promise<Shard> {
    const { request } = await http();
    const abort = new AbortController();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`${url}/session`, {
        method: 'POST',
        body: JSON.stringify(session),
        headers: { 'content-type': 'application/json' },
        signal: abort.signal,
        bodyTimeout: 0,
      });
    } catch (error) {
      throw new UserError(`the farm shard at ${url} cannot be reached (${(error as Error).message})`);
    }
    if (res.statusCode !== 200) throw new UserError(`the farm shard at ${url} refused the run's session: ${(await res.body.text()).trim()}`);

    // the offset: run clock minus shard clock, from the tightest of several round trips
    const offset = await measureOffset(runClock, async () => ((await getJson(`${url}/clock`, 'its clock')) as { now: number }).now);
    const shard: Shard = {
      url,
      hosts,
      client: farmClient(url),
      offsetMs: offset.offsetMs,
      offsetErrorMs: offset.errorMs,
      events: 0,
      session: abort,
      streaming: Promise.resolve(),
    };
    shard.streaming = (async () => {
      let buffered = '';
      let first = true;
      try {
        for await (const chunk of res.body) {
          buffered += (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (first) {
              first = false; // the session's own line
              continue;
            }
            if (stopped) continue;
            const e = JSON.parse(line) as FarmEvent;
            shard.events += 1;
            onEvent({ ...e, t: e.t + shard.offsetMs });
          }
        }
      } catch {
        // the session was closed (the run's end) or the shard went away: its events end here
      }
    })();
    return shard;
  }
}
