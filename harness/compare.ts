/**
 * A baseline and a new run, side by side: per stage and statistic, the change and a verdict
 * (docs/architecture.md "Baselines and the gate"). Virtual-clock runs are deterministic, so a change of any
 * size is real and shown exactly; when either run used the scaled clock, a change smaller than
 * both noise floors (relative and absolute) is no change.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from './errors.js';
import type { Finding, Result } from './result.js';
import { STAGES, type StageName } from './stages.js';
import type { StageStats } from './stats.js';

/** The statistics compared, per stage. `count` is context (how many VMs reached the stage), not a verdict. */
export const COMPARED_STATISTICS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
export type ComparedStatistic = (typeof COMPARED_STATISTICS)[number];

export type ChangeVerdict = 'same' | 'better' | 'worse';

export interface Floors {
  /** a change below this share of the baseline's value is noise, e.g. 0.1 for 10% */
  relative: number;
  /** a change below this many emulated seconds (or VMs, for outcome counts) is noise */
  absolute: number;
}

/** Scaled-clock runs: a change counts only beyond both 10% of the baseline and 0.5 emulated seconds. */
export const SCALED_FLOORS: Floors = { relative: 0.1, absolute: 0.5 };
/**
 * Virtual-clock runs: deterministic, every change counts; only a change below a nanosecond is
 * none, the rounding of a duration taken between two other instants of the same emulated time.
 */
export const EXACT: Floors = { relative: 0, absolute: 1e-9 };

export interface StatChange {
  /** a stage, or `vms` for the outcome counts */
  stage: StageName | 'vms';
  statistic: ComparedStatistic | 'up' | 'failed' | 'timedOut';
  base: number | null;
  head: number | null;
  /** head - base; null when either is missing */
  delta: number | null;
  /** delta / base; null when base is 0 or missing */
  relative: number | null;
  verdict: ChangeVerdict;
}

export interface BudgetChange {
  stage: string;
  expression: string;
  base: { pass: boolean; actual: number | null } | null;
  head: { pass: boolean; actual: number | null } | null;
}

export interface Comparison {
  /** true when both runs are on the virtual clock: every change is real */
  exact: boolean;
  floors: Floors;
  changes: StatChange[];
  /** every budget of either run, by stage and expression */
  budgets: BudgetChange[];
  /** pathologies the head names that the base did not, and the other way round */
  findings: { added: Finding[]; gone: Finding[] };
  /** scenario fields that differ (a comparison across them is of two different things) */
  scenarioDiffers: string[];
}

/** Compares two results; `floors` apply only when one of them ran on the scaled clock. */
export function compareResults(base: Result, head: Result, floors: Floors = SCALED_FLOORS): Comparison {
  const exact = base.lag.clock === 'virtual' && head.lag.clock === 'virtual';
  const used = exact ? EXACT : floors;
  const changes: StatChange[] = [];
  for (const stage of STAGES) {
    for (const statistic of COMPARED_STATISTICS) {
      changes.push(change(stage, statistic, statOf(base.stages[stage], statistic), statOf(head.stages[stage], statistic), used, 'higher-is-worse'));
    }
  }
  for (const outcome of ['up', 'failed', 'timedOut'] as const) {
    // counts of VMs are exact whatever the clock: one more failed VM is a failed VM
    changes.push(change('vms', outcome, base.vms[outcome], head.vms[outcome], EXACT, outcome === 'up' ? 'lower-is-worse' : 'higher-is-worse'));
  }
  return {
    exact,
    floors: used,
    changes,
    budgets: budgetChanges(base, head),
    findings: {
      added: head.findings.filter((f) => !base.findings.some((b) => b.pathology === f.pathology)),
      gone: base.findings.filter((f) => !head.findings.some((h) => h.pathology === f.pathology)),
    },
    scenarioDiffers: differingFields(base.scenario, head.scenario),
  };
}

function statOf(s: StageStats | undefined, statistic: ComparedStatistic): number | null {
  return s?.[statistic] ?? null;
}

function change(
  stage: StatChange['stage'],
  statistic: StatChange['statistic'],
  base: number | null,
  head: number | null,
  floors: Floors,
  direction: 'higher-is-worse' | 'lower-is-worse',
): StatChange {
  if (base === null || head === null) {
    // a stage no VM reached in one run and some did in the other: a change, worse when the head lost it
    const verdict: ChangeVerdict = base === head ? 'same' : head === null ? 'worse' : 'better';
    return { stage, statistic, base, head, delta: null, relative: null, verdict };
  }
  const delta = head - base;
  const relative = base === 0 ? null : delta / base;
  // within the floors is noise; with the exact floors only rounding is
  const noise = delta === 0 || Math.abs(delta) <= floors.absolute || (relative !== null && Math.abs(relative) <= floors.relative);
  const verdict: ChangeVerdict = noise ? 'same' : (delta > 0) === (direction === 'higher-is-worse') ? 'worse' : 'better';
  return { stage, statistic, base, head, delta, relative, verdict };
}

function budgetChanges(base: Result, head: Result): BudgetChange[] {
  const key = (v: { stage: string; expression: string }): string => `${v.stage}\u0000${v.expression}`;
  const out = new Map<string, BudgetChange>();
  for (const v of base.budgets) out.set(key(v), { stage: v.stage, expression: v.expression, base: { pass: v.pass, actual: v.actual }, head: null });
  for (const v of head.budgets) {
    const seen = out.get(key(v));
    const h = { pass: v.pass, actual: v.actual };
    if (seen) seen.head = h;
    else out.set(key(v), { stage: v.stage, expression: v.expression, base: null, head: h });
  }
  return [...out.values()];
}

/** Dotted paths of the scenario fields whose values differ, seeds aside. */
function differingFields(a: unknown, b: unknown, path = ''): string[] {
  if (path === 'seed' || path === 'seeds') return [];
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingFields(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path === '' ? '(the scenario)' : path];
}

/**
 * Reads a result: a result.json file, or a report directory holding one. A file that is not a
 * stampede result is one sentence naming it and what is missing.
 */
export async function readResult(path: string, role: string): Promise<Result> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'result.json');
  } catch {
    throw new UserError(`${role} "${path}" does not exist (give a result.json or a report directory)`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(`${role} "${file}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${role} "${file}" is not JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  const missing = missingFields(data);
  if (missing.length > 0) throw new UserError(`${role} "${file}" is not a stampede result.json: it lacks ${missing.join(', ')}`);
  return data as Result;
}

function missingFields(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['the result object'];
  const r = data as Record<string, unknown>;
  const missing: string[] = [];
  const stages = r['stages'];
  if (typeof stages !== 'object' || stages === null) missing.push('stages');
  else for (const s of STAGES) if (typeof (stages as Record<string, unknown>)[s] !== 'object') missing.push(`stages.${s}`);
  for (const k of ['budgets', 'findings'] as const) if (!Array.isArray(r[k])) missing.push(k);
  if (typeof r['vms'] !== 'object' || r['vms'] === null) missing.push('vms');
  const lag = r['lag'] as Record<string, unknown> | undefined;
  if (typeof lag !== 'object' || lag === null || (lag['clock'] !== 'virtual' && lag['clock'] !== 'scaled')) missing.push('lag.clock');
  return missing;
}
