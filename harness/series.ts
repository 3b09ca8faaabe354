import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { intervalSpans, NO_SPANS, queueTimeline, type Timeline as QueueTimeline } from './detect/measure.js';
import { RunView, type Interval, type VmView } from './detect/view.js';
import { UserError } from './errors.js';
import type { TraceEvent } from './trace-event.js';

/**
 * The time series a report draws (docs/architecture.md, "Reports"), derived from the detectors'
 * RunView so the charts and the findings read the same intervals. Small whatever the run's size:
 * at most MAX_BARS bars, SERIES_BINS points per line, HEAT_HOSTS x HEAT_BINS heatmap cells.
 */
export const MAX_BARS = 512;
export const SERIES_BINS = 200;
export const HEAT_BINS = 100;
export const HEAT_HOSTS = 32;
export const BUSIEST_HOSTS = 4;

/** The five stages of a VM's deploy, in the order of the bars' segments. */
export const BAR_STAGES = ['START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG'] as const;

/** Where a VM is at an instant of the run, as the timeline counts it. */
export const SERIES_PHASES = ['submitted', 'pending', 'prolog', 'boot', 'running', 'up', 'lost'] as const;
export type SeriesPhase = (typeof SERIES_PHASES)[number];

export interface DeployBars {
  /** VMs per bar: 1 up to MAX_BARS VMs; beyond, each bar is the mean of this many VMs of adjacent rank */
  perBar: number;
  /** VMs drawn (answered allocates); requests never answered have no deploy to draw */
  vms: number;
  /** per bar, ascending by total: the five stage durations in emulated seconds (to the ms); a stage not reached is 0 */
  stages: number[][];
  /** per bar: a VM of it did not come up, so its last stage is cut off at the run's end */
  censored: boolean[];
}

export interface HostSeries {
  host: string;
  tm: number[];
  vmm: number[];
}

export interface Timeline {
  /** emulated ms of the first point, on the trace's timeline */
  startMs: number;
  /** emulated ms between two points */
  stepMs: number;
  /** VMs in each phase at the start of each step */
  phases: Record<SeriesPhase, number[]>;
  /** the most TM / VMM actions in flight at once during each step, cloud-wide */
  tm: number[];
  vmm: number[];
  /** the same for the hosts with the most action time, busiest first */
  busiest: HostSeries[];
  /** the most TM+VMM actions in flight per host (name order) and per HEAT_BINS step */
  heat: { stepMs: number; hosts: string[]; inFlight: number[][]; of: number };
}

export interface RunSeries {
  bars: DeployBars;
  timeline: Timeline;
}

/** The series of a finished run from the detectors' view; `endMs` is where the run's timelines stop. */
export function seriesOf(view: RunView, endMs: number = view.end): RunSeries {
  const vms = view.answered();
  return { bars: deployBars(vms, endMs), timeline: timeline(view, vms, endMs) };
}

/** The same from a trace read back (`stampede report`). */
export function seriesOfTrace(events: Iterable<TraceEvent>, endMs?: number): RunSeries {
  const view = new RunView();
  for (const e of events) view.observe(e);
  return seriesOf(view, endMs ?? view.end);
}

/** A VM's boundaries in deploy order (START .. NET-MSG), into `b`; NaN where not seen. */
function boundariesInto(v: VmView, b: Float64Array): void {
  b[0] = v.submit;
  b[1] = v.answered;
  b[2] = v.prolog;
  b[3] = v.deploy;
  b[4] = v.running;
  b[5] = v.netMsg;
}

const toSeconds = (ms: number): number => Math.round(ms) / 1000;

function deployBars(vms: readonly VmView[], endMs: number): DeployBars {
  // one row per VM, in columns: its stage durations, whether its last one is cut off, their total
  const n = vms.length;
  const width = BAR_STAGES.length;
  const stages = new Float64Array(n * width);
  const censored = new Uint8Array(n);
  const totals = new Float64Array(n);
  const b = new Float64Array(width + 1);
  for (let r = 0; r < n; r += 1) {
    const v = vms[r]!;
    boundariesInto(v, b);
    let cut = false;
    let total = 0;
    for (let i = 0; i < width; i += 1) {
      const from = b[i]!;
      const to = b[i + 1]!;
      let ms = 0;
      if (Number.isNaN(from) || cut) ms = 0;
      else if (Number.isNaN(to)) {
        // the stage the VM was in when the run ended (or when it was lost): cut off there
        const until = Number.isNaN(v.lost) ? endMs : Math.min(v.lost, endMs);
        ms = Math.max(0, until - from);
        cut = true;
      } else ms = Math.max(0, to - from);
      stages[r * width + i] = ms;
      total += ms;
    }
    censored[r] = cut ? 1 : 0;
    totals[r] = total;
  }
  // ascending by total, ties in burst order (a stable sort)
  const order = Array.from({ length: n }, (_, r) => r).sort((x, y) => totals[x]! - totals[y]!);
  const perBar = Math.max(1, Math.ceil(n / MAX_BARS));
  const out: DeployBars = { perBar, vms: n, stages: [], censored: [] };
  for (let i = 0; i < n; i += perBar) {
    const last = Math.min(i + perBar, n);
    const bar: number[] = [];
    for (let s = 0; s < width; s += 1) {
      let sum = 0;
      for (let k = i; k < last; k += 1) sum += stages[order[k]! * width + s]!;
      bar.push(toSeconds(sum / (last - i)));
    }
    let cut = false;
    for (let k = i; k < last && !cut; k += 1) cut = censored[order[k]!] === 1;
    out.stages.push(bar);
    out.censored.push(cut);
  }
  return out;
}

function timeline(view: RunView, vms: readonly VmView[], endMs: number): Timeline {
  const startMs = vms.reduce((m, v) => Math.min(m, v.submit), Number.POSITIVE_INFINITY);
  const start = Number.isFinite(startMs) ? startMs : 0;
  const end = Math.max(endMs, start + 1);
  const stepMs = (end - start) / SERIES_BINS;
  const bins = { start, stepMs, count: SERIES_BINS, end };

  const phases = Object.fromEntries(SERIES_PHASES.map((p) => [p, new Array<number>(SERIES_BINS).fill(0)])) as Record<SeriesPhase, number[]>;
  const diff = SERIES_PHASES.map(() => new Int32Array(SERIES_BINS + 1));
  // a point samples the instant its step starts: a VM is counted in phase p there if p's span holds it
  const firstAtOrAfter = (t: number): number => Math.min(SERIES_BINS, Math.max(0, Math.ceil((t - start) / stepMs)));
  const LOST = SERIES_PHASES.indexOf('lost');
  const b = new Float64Array(LOST);
  for (const v of vms) {
    boundariesInto(v, b);
    const cut = Number.isNaN(v.lost) ? Number.POSITIVE_INFINITY : v.lost;
    // each phase the VM reached (its boundary before it was lost, then lost) holds it until the next one
    let open = -1;
    let openAt = 0;
    for (let p = 0; p <= LOST; p += 1) {
      const at = p < LOST ? b[p]! : cut;
      if (p < LOST ? Number.isNaN(at) || !(at < cut) : !Number.isFinite(cut)) continue;
      if (open >= 0) {
        diff[open]![firstAtOrAfter(openAt)]! += 1;
        const to = Math.max(openAt, at);
        if (Number.isFinite(to)) diff[open]![firstAtOrAfter(to)]! -= 1;
      }
      open = p;
      openAt = at;
    }
    if (open >= 0) diff[open]![firstAtOrAfter(openAt)]! += 1;
  }
  SERIES_PHASES.forEach((p, k) => {
    let n = 0;
    for (let i = 0; i < SERIES_BINS; i += 1) phases[p][i] = n += diff[k]![i]!;
  });

  const byHost = new Map<string, { tm: Interval[]; vmm: Interval[]; busy: number }>();
  for (const kind of ['tm', 'vmm'] as const) {
    for (const iv of view.intervals[kind]) {
      let h = byHost.get(iv.host);
      if (!h) byHost.set(iv.host, (h = { tm: [], vmm: [], busy: 0 }));
      h[kind].push(iv);
      h.busy += Math.max(0, Math.min(iv.end, end) - iv.start);
    }
  }
  const ranked = [...byHost.entries()].sort((a, b) => b[1].busy - a[1].busy || (a[0] < b[0] ? -1 : 1));
  const busiest = ranked.slice(0, BUSIEST_HOSTS).map(([host, h]) => ({
    host,
    tm: peaks(queueTimeline(intervalSpans(h.tm), NO_SPANS, end), bins),
    vmm: peaks(queueTimeline(intervalSpans(h.vmm), NO_SPANS, end), bins),
  }));
  const heatHosts = ranked.slice(0, HEAT_HOSTS).map(([host]) => host).sort(byName);
  const heatBins = { start, stepMs: (end - start) / HEAT_BINS, count: HEAT_BINS, end };
  const heat = {
    stepMs: heatBins.stepMs,
    hosts: heatHosts,
    inFlight: heatHosts.map((host) => {
      const h = byHost.get(host)!;
      return peaks(queueTimeline(intervalSpans([...h.tm, ...h.vmm]), NO_SPANS, end), heatBins);
    }),
    of: view.hosts.size,
  };
  return {
    startMs: start,
    stepMs,
    phases,
    tm: peaks(queueTimeline(intervalSpans(view.intervals.tm), NO_SPANS, end), bins),
    vmm: peaks(queueTimeline(intervalSpans(view.intervals.vmm), NO_SPANS, end), bins),
    busiest,
    heat,
  };
}

/** "host-2" before "host-10". */
function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The most in flight during each step: a cap or a lock stays a flat line however coarse the steps. */
function peaks(timeline: QueueTimeline, bins: { start: number; stepMs: number; count: number; end: number }): number[] {
  const out = new Array<number>(bins.count).fill(0);
  for (let s = 0; s < timeline.length; s += 1) {
    const inFlight = timeline.inFlight[s]!;
    const from = timeline.from[s]!;
    if (inFlight === 0 || from >= bins.end) continue;
    const first = Math.max(0, Math.floor((from - bins.start) / bins.stepMs));
    const last = Math.min(bins.count - 1, Math.ceil((Math.min(timeline.to[s]!, bins.end) - bins.start) / bins.stepMs) - 1);
    for (let i = first; i <= last; i += 1) if (inFlight > out[i]!) out[i] = inFlight;
  }
  return out;
}

/**
 * The series of a trace.jsonl on disk, read line by line (a million-VM trace need not fit in
 * memory as events). A line that is not a trace event is the user's file's fault: one sentence.
 */
export async function seriesOfTraceFile(path: string, endMs?: number): Promise<RunSeries> {
  const view = new RunView();
  let lineNo = 0;
  try {
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let e: unknown;
      try {
        e = JSON.parse(line);
      } catch {
        throw new UserError(`trace "${path}" line ${lineNo} is not JSON: ${line.slice(0, 80)}`);
      }
      if (!isTraceEvent(e)) throw new UserError(`trace "${path}" line ${lineNo} is not a trace event (it needs a number "t" and a string "type"): ${line.slice(0, 80)}`);
      view.observe(e);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`trace "${path}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return seriesOf(view, endMs ?? view.end);
}

function isTraceEvent(e: unknown): e is TraceEvent {
  return typeof e === 'object' && e !== null && typeof (e as TraceEvent).t === 'number' && typeof (e as TraceEvent).type === 'string';
}
