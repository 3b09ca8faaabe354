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
  const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j += 1;
    for (let k = i; k <= j; k += 1) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** A stretch of time during which `inFlight` actions ran and `waiting` VMs waited for one. */
export interface Segment {
  from: number;
  to: number;
  inFlight: number;
  waiting: number;
}

/**
 * The queue's timeline from two sets of [start, end) spans: actions in flight and VMs waiting.
 * Spans without an end run to `end` (a hung action, a VM still waiting when the run ended).
 */
export function queueTimeline(
  inFlight: ReadonlyArray<readonly [number, number]>,
  waiting: ReadonlyArray<readonly [number, number]>,
  end: number,
): Segment[] {
  // Starts and ends of each kind sorted apart as plain numbers, then merged: at 100,000 VMs this
  // is a few typed-array sorts rather than one sort of 400,000 small arrays by a comparator.
  const [flightStarts, flightEnds] = edges(inFlight, end);
  const [waitStarts, waitEnds] = edges(waiting, end);
  const out: Segment[] = [];
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let f = 0;
  let w = 0;
  let last = Math.min(flightStarts[0] ?? Infinity, waitStarts[0] ?? Infinity);
  if (last === Infinity) return out;
  for (;;) {
    const t = Math.min(flightStarts[a] ?? Infinity, flightEnds[b] ?? Infinity, waitStarts[c] ?? Infinity, waitEnds[d] ?? Infinity);
    if (t === Infinity) return out;
    if (t > last) out.push({ from: last, to: t, inFlight: f, waiting: w });
    last = t;
    // every change at t at once: a segment is pushed only when time moves on
    for (; flightStarts[a] === t; a += 1) f += 1;
    for (; flightEnds[b] === t; b += 1) f -= 1;
    for (; waitStarts[c] === t; c += 1) w += 1;
    for (; waitEnds[d] === t; d += 1) w -= 1;
  }
}

/** The spans' starts and ends, each sorted; a span without an end runs to `end`, an empty one is left out. */
function edges(spans: ReadonlyArray<readonly [number, number]>, end: number): [Float64Array, Float64Array] {
  const starts = new Float64Array(spans.length);
  const ends = new Float64Array(spans.length);
  let n = 0;
  for (const [a, b0] of spans) {
    const b = Number.isFinite(b0) ? b0 : Math.max(end, a);
    if (!(b > a)) continue;
    starts[n] = a;
    ends[n] = b;
    n += 1;
  }
  return [starts.subarray(0, n).sort(), ends.subarray(0, n).sort()];
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
export function peak(timeline: readonly Segment[]): number {
  let p = 0;
  for (const s of timeline) if (s.inFlight > p) p = s.inFlight;
  return p;
}

/** A short time: whole ms below a second, else seconds to 0.1. */
export const ms = (t: number): string => (t < 1000 ? `${Math.round(t)} ms` : sec(t));
