import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { NO_SPANS, queueTimeline, spansOf, type Timeline as QueueTimeline } from './detect/measure.js';
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

/** A VM's boundaries in deploy order (START .. NET-MSG); NaN where not seen. */
function boundaries(v: VmView): number[] {
  return [v.submit, v.answered, v.prolog, v.deploy, v.running, v.netMsg];
}

const toSeconds = (ms: number): number => Math.round(ms) / 1000;

function deployBars(vms: readonly VmView[], endMs: number): DeployBars {
  const rows = vms.map((v) => {
    const b = boundaries(v);
    const stages: number[] = [];
    let censored = false;
    for (let i = 0; i < BAR_STAGES.length; i += 1) {
      const from = b[i]!;
      const to = b[i + 1]!;
      if (Number.isNaN(from) || censored) stages.push(0);
      else if (Number.isNaN(to)) {
        // the stage the VM was in when the run ended (or when it was lost): cut off there
        const until = Number.isNaN(v.lost) ? endMs : Math.min(v.lost, endMs);
        stages.push(Math.max(0, until - from));
        censored = true;
      } else stages.push(Math.max(0, to - from));
    }
    return { stages, censored, total: stages.reduce((a, x) => a + x, 0) };
  });
  rows.sort((a, b) => a.total - b.total);
  const perBar = Math.max(1, Math.ceil(rows.length / MAX_BARS));
  const out: DeployBars = { perBar, vms: rows.length, stages: [], censored: [] };
  for (let i = 0; i < rows.length; i += perBar) {
    const group = rows.slice(i, i + perBar);
    out.stages.push(BAR_STAGES.map((_, s) => toSeconds(group.reduce((a, r) => a + r.stages[s]!, 0) / group.length)));
    out.censored.push(group.some((r) => r.censored));
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
  const diff = Object.fromEntries(SERIES_PHASES.map((p) => [p, new Array<number>(SERIES_BINS + 1).fill(0)])) as Record<SeriesPhase, number[]>;
  // a point samples the instant its step starts: a VM is counted in phase p there if p's span holds it
  const firstAtOrAfter = (t: number): number => Math.min(SERIES_BINS, Math.max(0, Math.ceil((t - start) / stepMs)));
  for (const v of vms) {
    const b = boundaries(v);
    const cut = Number.isNaN(v.lost) ? Number.POSITIVE_INFINITY : v.lost;
    const marks: Array<[number, SeriesPhase]> = [];
    SERIES_PHASES.slice(0, 6).forEach((p, i) => {
      if (!Number.isNaN(b[i]!) && b[i]! < cut) marks.push([b[i]!, p]);
    });
    if (Number.isFinite(cut)) marks.push([cut, 'lost']);
    for (let i = 0; i < marks.length; i += 1) {
      const [from, p] = marks[i]!;
      const to = i + 1 < marks.length ? Math.max(from, marks[i + 1]![0]) : Number.POSITIVE_INFINITY;
      diff[p][firstAtOrAfter(from)]! += 1;
      if (Number.isFinite(to)) diff[p][firstAtOrAfter(to)]! -= 1;
    }
  }
  for (const p of SERIES_PHASES) {
    let n = 0;
    for (let i = 0; i < SERIES_BINS; i += 1) phases[p][i] = n += diff[p][i]!;
  }

  const spans = (list: readonly Interval[]) => spansOf(list, (iv) => iv.start, (iv) => iv.end);
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
    tm: peaks(queueTimeline(spans(h.tm), NO_SPANS, end), bins),
    vmm: peaks(queueTimeline(spans(h.vmm), NO_SPANS, end), bins),
  }));
  const heatHosts = ranked.slice(0, HEAT_HOSTS).map(([host]) => host).sort(byName);
  const heatBins = { start, stepMs: (end - start) / HEAT_BINS, count: HEAT_BINS, end };
  const heat = {
    stepMs: heatBins.stepMs,
    hosts: heatHosts,
    inFlight: heatHosts.map((host) => {
      const h = byHost.get(host)!;
      return peaks(queueTimeline(spans([...h.tm, ...h.vmm]), NO_SPANS, end), heatBins);
    }),
    of: view.hosts.size,
  };
  return {
    startMs: start,
    stepMs,
    phases,
    tm: peaks(queueTimeline(spans(view.intervals.tm), NO_SPANS, end), bins),
    vmm: peaks(queueTimeline(spans(view.intervals.vmm), NO_SPANS, end), bins),
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
