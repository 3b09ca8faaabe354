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
  const changes: Array<[number, number, number]> = [];
  const add = (spans: ReadonlyArray<readonly [number, number]>, which: 0 | 1): void => {
    for (const [a, b0] of spans) {
      const b = Number.isFinite(b0) ? b0 : Math.max(end, a);
      if (!(b > a)) continue;
      changes.push(which === 0 ? [a, 1, 0] : [a, 0, 1], which === 0 ? [b, -1, 0] : [b, 0, -1]);
    }
  };
  add(inFlight, 0);
  add(waiting, 1);
  changes.sort((p, q) => p[0] - q[0]);
  const out: Segment[] = [];
  let f = 0;
  let w = 0;
  let last = changes[0]?.[0] ?? 0;
  for (const [t, df, dw] of changes) {
    if (t > last) out.push({ from: last, to: t, inFlight: f, waiting: w });
    last = t;
    f += df;
    w += dw;
  }
  return out;
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
