/**
 * The few statistics the detectors share: robust ones (medians, quantiles, rank correlation),
 * and queue timelines built from intervals, so a detector can ask "how many were in flight and
 * how many waited, at every instant".
 */

export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Spearman's rank correlation of two equally long series (ties take their mean rank). */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 3) return Number.NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const mean = (n + 1) / 2;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i += 1) {
    num += (rx[i]! - mean) * (ry[i]! - mean);
    dx += (rx[i]! - mean) ** 2;
    dy += (ry[i]! - mean) ** 2;
  }
  return dx === 0 || dy === 0 ? 0 : num / Math.sqrt(dx * dy);
}

function ranks(v: readonly number[]): number[] {
  // positions sorted by value; a tie's members share one rank, so their order does not matter
  const order = new Uint32Array(v.length);
  for (let i = 0; i < v.length; i += 1) order[i] = i;
  order.sort((a, b) => v[a]! - v[b]!);
  const out = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]!] === v[order[i]!]) j += 1;
    for (let k = i; k <= j; k += 1) out[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/**
 * Spans as two columns: span i runs from starts[i] to ends[i] (an end that is not finite: it never
 * ended). Columns rather than a [start, end] pair per span: at 100,000 VMs the detectors' queues
 * would otherwise make a pair per VM, per action and per segment, all promoted before they die.
 */
export interface Spans {
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
}

export const NO_SPANS: Spans = { starts: [], ends: [] };

/** The spans of `items`, read through `start` and `end`. */
export function spansOf<T>(items: readonly T[], start: (item: T) => number, end: (item: T) => number): Spans {
  const starts = new Float64Array(items.length);
  const ends = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += 1) {
    starts[i] = start(items[i]!);
    ends[i] = end(items[i]!);
  }
  return { starts, ends };
}

/** The spans of intervals, actions or anything else with a start and an end. */
export function intervalSpans(items: ReadonlyArray<{ readonly start: number; readonly end: number }>): Spans {
  return spansOf(items, (i) => i.start, (i) => i.end);
}

/** Spans gathered one by one. */
export class SpanList implements Spans {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  get length(): number {
    return this.starts.length;
  }

  push(start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
  }

  /** Each span's length, a span without an end running to `end`. */
  durations(end: number): number[] {
    return this.starts.map((a, i) => (Number.isFinite(this.ends[i]!) ? this.ends[i]! : end) - a);
  }
}

/**
 * A queue's timeline, in columns: during segment i, from from[i] to to[i], inFlight[i] actions
 * were in flight and waiting[i] VMs waited for one. Segments are in time order, back to back from
 * the first start to the last end.
 */
export interface Timeline {
  readonly length: number;
  readonly from: Float64Array;
  readonly to: Float64Array;
  readonly inFlight: Int32Array;
  readonly waiting: Int32Array;
}

/**
 * The queue's timeline from two sets of [start, end) spans: actions in flight and VMs waiting.
 * Spans without an end run to `end` (a hung action, a VM still waiting when the run ended).
 */
export function queueTimeline(inFlight: Spans, waiting: Spans, end: number): Timeline {
  // Starts and ends of each kind sorted apart as plain numbers, then merged: at 100,000 VMs this
  // is a few typed-array sorts rather than one sort of 400,000 small arrays by a comparator.
  const [flightStarts, flightEnds] = edges(inFlight, end);
  const [waitStarts, waitEnds] = edges(waiting, end);
  // every edge but the last starts at most one segment (each list ends with an Infinity of its own)
  const most = Math.max(0, 2 * (flightStarts.length + waitStarts.length - 2) - 1);
  const out = { length: 0, from: new Float64Array(most), to: new Float64Array(most), inFlight: new Int32Array(most), waiting: new Int32Array(most) };
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let f = 0;
  let w = 0;
  let n = 0;
  let last = Math.min(flightStarts[0]!, waitStarts[0]!);
  if (last === Infinity) return out;
  for (;;) {
    const t = Math.min(flightStarts[a]!, flightEnds[b]!, waitStarts[c]!, waitEnds[d]!);
    if (t === Infinity) break;
    if (t > last) {
      out.from[n] = last;
      out.to[n] = t;
      out.inFlight[n] = f;
      out.waiting[n] = w;
      n += 1;
    }
    last = t;
    // every change at t at once: a segment is written only when time moves on
    for (; flightStarts[a] === t; a += 1) f += 1;
    for (; flightEnds[b] === t; b += 1) f -= 1;
    for (; waitStarts[c] === t; c += 1) w += 1;
    for (; waitEnds[d] === t; d += 1) w -= 1;
  }
  out.length = n;
  return out;
}

/**
 * The spans' starts and ends, each sorted and closed by Infinity (the merge reads no further); a
 * span without an end runs to `end`, an empty one is left out.
 */
function edges(spans: Spans, end: number): [Float64Array, Float64Array] {
  const count = spans.starts.length;
  const starts = new Float64Array(count + 1);
  const ends = new Float64Array(count + 1);
  let n = 0;
  for (let i = 0; i < count; i += 1) {
    const a = spans.starts[i]!;
    const b0 = spans.ends[i]!;
    const b = Number.isFinite(b0) ? b0 : Math.max(end, a);
    if (!(b > a)) continue;
    starts[n] = a;
    ends[n] = b;
    n += 1;
  }
  starts.subarray(0, n).sort();
  ends.subarray(0, n).sort();
  starts[n] = Number.POSITIVE_INFINITY;
  ends[n] = Number.POSITIVE_INFINITY;
  return [starts, ends];
}

/** Emulated ms as seconds to 0.1, the way every figure a user sees is written. */
export const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** Host names in order, at most `shown` of them: "host-01, host-02 and 3 more". */
export function hostList(hosts: readonly string[], shown = 4): string {
  const sorted = [...hosts].sort();
  if (sorted.length <= shown) return sorted.length <= 1 ? (sorted[0] ?? '') : `${sorted.slice(0, -1).join(', ')} and ${sorted.at(-1)}`;
  return `${sorted.slice(0, shown).join(', ')} and ${sorted.length - shown} more`;
}

/** The most actions in flight at once on a timeline. */
export function peak(timeline: Timeline): number {
  let p = 0;
  for (let i = 0; i < timeline.length; i += 1) if (timeline.inFlight[i]! > p) p = timeline.inFlight[i]!;
  return p;
}

/** The most VMs waiting at once on a timeline. */
export function mostWaiting(timeline: Timeline): number {
  let p = 0;
  for (let i = 0; i < timeline.length; i += 1) if (timeline.waiting[i]! > p) p = timeline.waiting[i]!;
  return p;
}

/** A short time: whole ms below a second, else seconds to 0.1. */
export const ms = (t: number): string => (t < 1000 ? `${Math.round(t)} ms` : sec(t));
