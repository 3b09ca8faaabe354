import type { Result } from '../harness/result.js';
import type { Reporter } from './reporter.js';

/**
 * Keys in reading order where we know them (the Result's own fields, the stages in deploy order,
 * statistics from min to max); any other key (a scenario's, the environment's) alphabetically.
 * The order depends on the keys only, never on how the object was built, so two runs of one
 * seed give the same bytes.
 */
const ORDER = [
  'scenario', 'run', 'interrupted', 'vms', 'failures', 'stages', 'budgets', 'findings', 'crossCheck', 'lag', 'exitCode', 'environment',
  'name', 'profile', 'seed', 'hosts', 'burstAtMs', 'endAtMs', 'deadlineMs', 'deadlineHit', 'signal',
  'requested', 'up', 'failed', 'timedOut',
  'START-PENDING', 'PENDING-PROLOG', 'PROLOG-BOOT', 'BOOT-RUNNING', 'RUNNING-NET-MSG', 'total',
  'count', 'censored', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max',
  'index', 'vmId', 'outcome', 'detector', 'pathology', 'stage', 'expression', 'operator', 'actual', 'lowerBound', 'pass', 'unit', 'threshold', 'reason', 'host', 'state', 'evidence',
  'polled', 'upButNotRunning', 'examples',
  'clock', 'factor', 'auto', 'timers', 'meanMs', 'p99Ms', 'maxMs', 'lostMs', 'bounds', 'quantiles', 'warning',
];
const RANK = new Map(ORDER.map((k, i) => [k, i]));

function byReadingOrder(a: string, b: string): number {
  const ra = RANK.get(a);
  const rb = RANK.get(b);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1;
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byReadingOrder)) out[key] = ordered((value as Record<string, unknown>)[key]);
  return out;
}

/** An array of numbers (and nulls, booleans) spread one per line by JSON.stringify's indent. */
const NUMBER_ARRAY = /\[\n(?:\s*(?:-?\d[\d.eE+-]*|null|true|false),?\n)+\s*\]/g;

/**
 * result.json's text: stable key order, 2-space indent, a final newline. Arrays of numbers (the
 * chart series, harness/series.ts) stay on one line each, so the file reads and diffs by field.
 */
export function resultJson(result: Result): string {
  const text = JSON.stringify(ordered(result), null, 2).replace(NUMBER_ARRAY, (m) => `[${m.slice(1, -1).split(',').map((x) => x.trim()).join(', ')}]`);
  return `${text}\n`;
}

export const json: Reporter = {
  name: 'json',
  files: ['result.json'],
  render: (result) => [{ name: 'result.json', content: resultJson(result) }],
};
