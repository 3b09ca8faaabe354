/**
 * The knobs `stampede tune` may turn, and the ranges a user gives them (docs/architecture.md
 * "Tuning"). A knob is a profile path (`scheduler.SCHED_INTERVAL`, `tm.threads`): configuration a
 * user of the stack can change in sched.conf or oned.conf. The stack's service times and its
 * pathologies are code, not configuration: tune leaves them as the scenario has them.
 *
 * A range is `lo..hi` (`1s..30s`, `1..1024`) or a list (`packing,striping`, `0,30,1024`). Each
 * becomes a dimension of the unit cube the search walks: a range on a log scale when it spans a
 * factor of 4 or more (a thread count from 1 to 1024 is as much about 1 vs 2 as 512 vs 1024),
 * linear otherwise; a list by position, in the order written.
 */
import { UserError, didYouMean } from '../errors.js';
import { DURATION_FORMS, durationSeconds } from '../duration.js';
import type { StackProfile } from '../scenario.js';

export type KnobKind = 'int' | 'seconds' | 'fraction' | 'policy' | 'bool';
export type KnobValue = number | string | boolean;

/** What a resource a knob spends is called in the output; every one is "more is dearer". */
export type Resource = 'driver threads' | 'API connections' | 'dispatches/s' | 'host monitors/s';

export interface KnobDef {
  /** the profile path, e.g. `scheduler.MAX_HOST` */
  path: string;
  kind: KnobKind;
  /** the smallest value the stack takes */
  min: number;
  /** the largest, when the knob has one */
  max?: number;
  /** which file a user writes it in */
  file: 'sched.conf' | 'oned.conf' | 'none';
}

const knob = (path: string, kind: KnobKind, min: number, file: KnobDef['file'], max?: number): KnobDef => ({ path, kind, min, file, ...(max === undefined ? {} : { max }) });

/** Every knob tune may turn, in the order they are shown. */
export const KNOBS: readonly KnobDef[] = [
  knob('scheduler.SCHED_INTERVAL', 'seconds', 0.001, 'sched.conf'),
  knob('scheduler.MAX_VM', 'int', 0, 'sched.conf'),
  knob('scheduler.MAX_DISPATCH', 'int', 0, 'sched.conf'),
  knob('scheduler.MAX_HOST', 'int', 1, 'sched.conf'),
  knob('scheduler.HYPERVISOR_MEM', 'fraction', 0, 'sched.conf', 1),
  knob('scheduler.POLICY', 'policy', 0, 'sched.conf'),
  knob('scheduler.RERANK_PER_DISPATCH', 'bool', 0, 'none'),
  knob('monitoring.MANAGER_TIMER', 'seconds', 0.001, 'oned.conf'),
  knob('monitoring.HOST_PER_INTERVAL', 'int', 1, 'oned.conf'),
  knob('monitoring.MONITORING_INTERVAL', 'seconds', 0.001, 'oned.conf'),
  knob('tm.threads', 'int', 1, 'oned.conf'),
  knob('vmm.threads', 'int', 1, 'oned.conf'),
  knob('im.threads', 'int', 1, 'oned.conf'),
  knob('api.MAX_CONN', 'int', 1, 'oned.conf'),
  knob('api.MAX_CONN_BACKLOG', 'int', 1, 'oned.conf'),
  knob('api.KEEPALIVE_TIMEOUT', 'int', 1, 'oned.conf'),
  knob('api.KEEPALIVE_MAX_CONN', 'int', 1, 'oned.conf'),
];

const BY_PATH = new Map(KNOBS.map((k) => [k.path, k]));

/** Profile paths that exist but are not configuration, with why. */
const NOT_CONFIGURATION: ReadonlyArray<[RegExp, string]> = [
  [/^api\.(callMs|methodMs|poolObjectMs|serialMs)(\.|$)|^placement\.(placeMs|leftOutMs)$/, "is the stack's service time, a property of its code, not a setting a user can change"],
  [/^api\.MESSAGE_SIZE$/, 'bounds the size of a request, which a burst of deploys never reaches'],
  [/^pathologies(\.|$)/, 'is a defect of the code, not a setting: tune leaves pathologies as the scenario has them'],
  [/^db(\.|$)/, "is the database oned runs on, a property of its code's installation, not a setting tune searches"],
  [/^monitoring\.PUSH_INTERVAL$/, "is how often the hosts' probes push, a property of its code's monitoring driver, not a setting tune searches"],
  [/^name$/, "is the profile's name, not a knob"],
];

export interface Dimension {
  knob: KnobDef;
  /** as the user wrote it, for messages */
  written: string;
  /** a list: its values in order; a range: undefined */
  values?: readonly KnobValue[];
  /** a range: its ends and scale */
  range?: { lo: number; hi: number; log: boolean };
  /** distinct values the dimension can take (Infinity for a continuous range) */
  levels: number;
}

/** `--knob PATH=RANGE`, checked: one sentence naming the flag when anything is wrong. */
export function parseKnob(text: string): Dimension {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--knob takes PATH=RANGE, e.g. scheduler.SCHED_INTERVAL=1s..30s or tm.threads=1..256, got "${text}"`);
  const path = text.slice(0, eq).trim().replace(/^profile\./, '');
  const spec = text.slice(eq + 1).trim();
  const def = knobAt(path);
  const flag = `--knob ${path}`;
  if (spec.includes(',')) return listDimension(def, spec, flag);
  const m = /^(.+?)\s*\.\.\s*(.+)$/.exec(spec);
  if (!m) throw new UserError(`${flag}: "${spec}" is neither a range (${example(def)}) nor a list of values separated by commas`);
  if (def.kind === 'policy' || def.kind === 'bool') throw new UserError(`${flag} takes a list (${example(def)}), not a range`);
  const lo = numberFor(def, m[1]!, flag);
  const hi = numberFor(def, m[2]!, flag);
  if (!(hi > lo)) throw new UserError(`${flag}: the range ${spec} must go from low to high`);
  const log = lo > 0 && hi / lo >= 4;
  if (!log && def.kind === 'int' && lo === 0 && hi >= 4) {
    throw new UserError(`${flag}: a range over many values is searched on a log scale, which cannot start at 0; start at 1 (1..${m[2]}) or list 0 with others (0,1,8,${m[2]})`);
  }
  const levels = def.kind === 'int' ? hi - lo + 1 : Number.POSITIVE_INFINITY;
  return { knob: def, written: spec, range: { lo, hi, log }, levels };
}

/** The knob at a profile path, or a sentence: unknown (with a guess), or not configuration. */
export function knobAt(path: string): KnobDef {
  const def = BY_PATH.get(path);
  if (def) return def;
  const why = NOT_CONFIGURATION.find(([re]) => re.test(path));
  if (why) throw new UserError(`--knob ${path}: ${path} ${why[1]}`);
  throw new UserError(`--knob ${path}: no such knob${didYouMean(path, BY_PATH.keys())}; knobs: ${KNOBS.map((k) => k.path).join(', ')}`);
}

function listDimension(def: KnobDef, spec: string, flag: string): Dimension {
  const values = spec.split(',').map((s) => valueFor(def, s.trim(), flag));
  const twice = values.find((v, i) => values.indexOf(v) !== i);
  if (twice !== undefined) throw new UserError(`${flag}: ${String(twice)} is listed twice in "${spec}"`);
  return { knob: def, written: spec, values, levels: values.length };
}

function valueFor(def: KnobDef, text: string, flag: string): KnobValue {
  if (def.kind === 'policy') {
    if (text === 'packing' || text === '0') return 'packing';
    if (text === 'striping' || text === '1') return 'striping';
    throw new UserError(`${flag}: "${text}" is not a policy; the reference stack has packing (0) and striping (1)`);
  }
  if (def.kind === 'bool') {
    if (/^(true|yes|on)$/i.test(text)) return true;
    if (/^(false|no|off)$/i.test(text)) return false;
    throw new UserError(`${flag}: "${text}" is not true or false`);
  }
  return numberFor(def, text, flag);
}

function numberFor(def: KnobDef, text: string, flag: string): number {
  let n: number;
  if (def.kind === 'seconds') {
    n = durationSeconds(text.trim()) ?? Number.NaN;
    if (Number.isNaN(n)) throw new UserError(`${flag}: "${text}" is not a duration (${DURATION_FORMS})`);
  } else {
    n = /^\s*(\d+(\.\d+)?|\.\d+)\s*$/.test(text) ? Number(text) : Number.NaN;
    if (def.kind === 'int' && !Number.isSafeInteger(n)) throw new UserError(`${flag}: "${text}" is not a whole number`);
    if (Number.isNaN(n)) throw new UserError(`${flag}: "${text}" is not a number`);
  }
  if (n < def.min || (def.max !== undefined && n > def.max)) {
    const bounds = def.max === undefined ? `at least ${def.min}` : `from ${def.min} to ${def.max}`;
    throw new UserError(`${flag}: ${text.trim()} is out of the knob's bounds (${bounds}${def.kind === 'seconds' ? ' s' : ''})`);
  }
  return n;
}

function example(def: KnobDef): string {
  switch (def.kind) {
    case 'seconds':
      return 'e.g. 1s..30s';
    case 'fraction':
      return 'e.g. 0..0.3';
    case 'policy':
      return 'packing,striping';
    case 'bool':
      return 'true,false';
    default:
      return 'e.g. 1..1024';
  }
}

/**
 * The value at position u (0..1) of a dimension. Ranges are rounded to what a person would
 * write (whole numbers; whole seconds from 1 s up, as the files take them, 10 ms below), so nearby points of the
 * search fall on the same configuration and cost no second run.
 */
export function valueAt(dim: Dimension, u: number): KnobValue {
  const t = Math.min(1, Math.max(0, u));
  if (dim.values) return dim.values[Math.min(dim.values.length - 1, Math.floor(t * dim.values.length))]!;
  const { lo, hi, log } = dim.range!;
  const raw = log ? lo * (hi / lo) ** t : lo + (hi - lo) * t;
  if (dim.knob.kind === 'int') return Math.min(hi, Math.max(lo, Math.round(raw)));
  // sched.conf and oned.conf take whole seconds; below a second is the reference stack's own
  const step = dim.knob.kind === 'fraction' ? 0.01 : raw >= 1 ? 1 : 0.01;
  return Math.min(hi, Math.max(lo, Number((Math.round(raw / step) * step).toFixed(2))));
}

/** Where a value sits in a dimension (0..1): the inverse of valueAt, for the starting point. */
export function positionOf(dim: Dimension, value: KnobValue): number | undefined {
  if (dim.values) {
    const i = dim.values.indexOf(value);
    return i < 0 ? undefined : (i + 0.5) / dim.values.length;
  }
  if (typeof value !== 'number') return undefined;
  const { lo, hi, log } = dim.range!;
  if (value < lo || value > hi) return undefined;
  return log ? Math.log(value / lo) / Math.log(hi / lo) : (value - lo) / (hi - lo);
}

/** The profile path's value. */
export function readKnob(profile: StackProfile, path: string): KnobValue {
  const [group, key] = path.split('.') as [keyof StackProfile, string];
  return (profile[group] as unknown as Record<string, KnobValue>)[key]!;
}

/** A copy of the profile with the knobs set. */
export function withKnobs(profile: StackProfile, values: ReadonlyMap<string, KnobValue>): StackProfile {
  const out = structuredClone(profile);
  for (const [path, value] of values) {
    const [group, key] = path.split('.') as [keyof StackProfile, string];
    (out[group] as unknown as Record<string, KnobValue>)[key] = value;
  }
  return out;
}

/** The value as a person writes it: `5 s`, `64`, `striping`. */
export function showValue(def: KnobDef, value: KnobValue): string {
  if (def.kind === 'seconds' && typeof value === 'number') return `${+value.toFixed(3)}s`;
  return String(value);
}

/**
 * What a configuration spends, per resource that the tuned knobs change: more driver threads,
 * API connections, scheduler dispatches or host monitors per second are dearer for the head node.
 * MAX_DISPATCH 0 (no limit) dispatches without bound: Infinity.
 */
export function resourcesOf(profile: StackProfile, tuned: ReadonlySet<string>): Partial<Record<Resource, number>> {
  const out: Partial<Record<Resource, number>> = {};
  const any = (...paths: string[]): boolean => paths.some((p) => tuned.has(p));
  if (any('tm.threads', 'vmm.threads', 'im.threads')) out['driver threads'] = profile.tm.threads + profile.vmm.threads + profile.im.threads;
  if (any('api.MAX_CONN')) out['API connections'] = profile.api.MAX_CONN;
  if (any('scheduler.MAX_DISPATCH', 'scheduler.SCHED_INTERVAL')) {
    const { MAX_DISPATCH, SCHED_INTERVAL } = profile.scheduler;
    out['dispatches/s'] = MAX_DISPATCH === 0 ? Number.POSITIVE_INFINITY : MAX_DISPATCH / SCHED_INTERVAL;
  }
  if (any('monitoring.HOST_PER_INTERVAL', 'monitoring.MANAGER_TIMER')) out['host monitors/s'] = profile.monitoring.HOST_PER_INTERVAL / profile.monitoring.MANAGER_TIMER;
  return out;
}
