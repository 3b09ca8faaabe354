/**
 * Clocks of other processes that take part in a real-time run: a farm shard, the reference stack
 * served as a child process or in a container. Each runs a scaled clock of its own, at the run's
 * factor but from its own origin, and each loses emulated time of its own (its event loop busy,
 * its timers late) that the run's clock cannot see (docs/architecture.md, "Lag"). Two things make
 * that time count: the other clock's offset from the run's, measured as NTP does, and its lost
 * time, moved onto the run's timeline and added to the run's own when a stage's bound is read.
 */
import type { Dispatcher } from 'undici';
import { LostTime, type LostTimeSamples } from '../sim/lost-time.js';
import type { Clock, ClockLag } from '../sim/clock.js';

/** The routes `stampede stack` serves beside its API (harness/stack-service.ts). */
export const STACK_CLOCK_PATH = '/stampede/clock';
export const STACK_LOST_TIME_PATH = '/stampede/lost-time';

/** Wall ms between the lost-time samples a process serves: widens a bound by at most that, keeps the answer small. */
export const LOST_TIME_RESOLUTION_WALL_MS = 10;

/** What a clock route answers. */
export interface ClockReading {
  now: number;
  lag: ClockLag;
}

/** What the lost-time route answers: the clock's lag and, read at the same moment, where it lost that time. */
export interface LostTimeReading {
  lag: ClockLag;
  lost: LostTimeSamples;
}

export interface ClockOffset {
  /** run clock minus the other clock, emulated ms */
  offsetMs: number;
  /** half the round trip the offset came from: its error bound, emulated ms */
  errorMs: number;
}

/** Samples taken; the one with the shortest round trip is kept. */
const OFFSET_SAMPLES = 8;

/**
 * The other clock's offset: its reading against the midpoint of the round trip that fetched it,
 * the tightest of several.
 */
export async function measureOffset(runClock: Pick<Clock, 'now'>, readNow: () => Promise<number>, samples = OFFSET_SAMPLES): Promise<ClockOffset> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < samples; i += 1) {
    const before = runClock.now();
    const now = await readNow();
    const after = runClock.now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: (before + after) / 2 - now };
  }
  return { offsetMs: best.offset, errorMs: best.rtt / 2 };
}

/** What the stack process lost over the run, as result.json's `lag.stack` gives it. */
export interface StackProcessLag extends Omit<ClockLag, 'scale'> {
  /** the error bound of the offset its lost time was moved by, emulated ms */
  offsetErrorMs: number;
}

/** A remote clock's record, on the run's timeline. */
export interface RemoteLostTime {
  lag: StackProcessLag;
  /** moved by the measured offset */
  lost: LostTime;
  /** the offset's error bound: an interval is read this much wider on each side */
  errorMs: number;
}

let undici: Promise<typeof import('undici')> | undefined;
const http = (): Promise<typeof import('undici')> => (undici ??= import('undici'));

async function getJson(url: string): Promise<unknown> {
  const { request } = await http();
  const res: Dispatcher.ResponseData = await request(url, { headersTimeout: 10_000, bodyTimeout: 30_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  return JSON.parse(text) as unknown;
}

/**
 * The lost time of the reference stack served at `rpcUrl` (its XML-RPC URL), on the run's
 * timeline; undefined when the stack serves no clock (a user's image, a real oned) or does not
 * answer: the run then bounds its stages by its own lost time alone, as before.
 */
export async function readStackLostTime(rpcUrl: string, runClock: Pick<Clock, 'now'>): Promise<RemoteLostTime | undefined> {
  const origin = new URL(rpcUrl).origin;
  try {
    const offset = await measureOffset(runClock, async () => ((await getJson(`${origin}${STACK_CLOCK_PATH}`)) as ClockReading).now);
    return onRunTimeline((await getJson(`${origin}${STACK_LOST_TIME_PATH}`)) as LostTimeReading, offset);
  } catch {
    return undefined;
  }
}

/** A lost-time answer moved onto the run's timeline by the offset measured to its clock. */
export function onRunTimeline(reading: LostTimeReading, offset: ClockOffset): RemoteLostTime {
  const lost = LostTime.fromSamples(reading.lost, offset.offsetMs);
  const { scale: _scale, ...rest } = reading.lag;
  return { lag: { ...rest, lostMs: lost.totalMs, offsetErrorMs: offset.errorMs }, lost, errorMs: offset.errorMs };
}

/**
 * The run's clock as lag accounting reads it, with other processes' lost time added to its own:
 * an interval's bound is what any of them lost within it (each process's loss can stretch it).
 */
export function withLostTime(clock: Pick<Clock, 'kind' | 'lag' | 'distortion'>, remote: ReadonlyArray<Pick<RemoteLostTime, 'lost' | 'errorMs'>>): Pick<Clock, 'kind' | 'lag' | 'distortion'> {
  if (remote.length === 0) return clock;
  return {
    kind: clock.kind,
    lag: () => clock.lag(),
    distortion: (fromMs, toMs) => remote.reduce((sum, r) => sum + r.lost.between(fromMs - r.errorMs, toMs + r.errorMs), clock.distortion(fromMs, toMs)),
  };
}
