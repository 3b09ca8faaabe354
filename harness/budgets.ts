import { DURATION_FORMS, durationSeconds } from './duration.js';
import { UserError } from './errors.js';
import { STAGES, isStageName, type StageName } from './stages.js';
import type { Sample } from './stats.js';

/**
 * Budgets in k6's spirit: per stage, a list of `<statistic> <operator> <threshold>` expressions,
 *
 *   { total: ['mean < 60s', 'p95 < 80s'], 'PENDING-PROLOG': ['max < 5s'], failed: ['== 0'] }
 *
 * - statistics: min, mean (avg), p50 (med), p90, p95, p99, any pNN such as p99.9 (or k6's
 *   p(99.9)), max, and count (how many VMs have the stage);
 * - operators: < <= > >= ==;
 * - thresholds: durations 500ms, 5s, 2m, 1h, or bare seconds; plain numbers for count;
 * - the outcome counts `failed`, `timedOut` and `up` take an operator and a number of VMs, or a
 *   percentage of those requested: `failed: ['< 1%']`.
 *
 * A budget on a stage no VM reached cannot hold: its actual is null and it fails.
 *
 * A statistic that includes VMs the run cut off is a lower bound of the true figure
 * (harness/stats.ts), and is judged conservatively: a budget holds only if every value at or
 * above the bound would hold it (`p95 > 1s` can; `p95 < 80s` cannot), so a lower bound that
 * breaks the budget fails it, and one that does not is no pass either.
 */

export const OUTCOME_COUNTS = ['failed', 'timedOut', 'up'] as const;
export type OutcomeCount = (typeof OUTCOME_COUNTS)[number];

export type Operator = '<' | '<=' | '>' | '>=' | '==';
/** min, mean, max, count, or a percentile `pNN` */
export type Statistic = 'min' | 'mean' | 'max' | 'count' | `p${number}`;
export type BudgetUnit = 's' | 'count' | '%';

/** Budgets as a scenario file writes them. */
export type BudgetSpec = Readonly<Record<string, string | readonly string[]>>;

export interface Budget {
  /** a stage name, or an outcome count */
  stage: StageName | OutcomeCount;
  /** as written */
  expression: string;
  statistic: Statistic;
  operator: Operator;
  /** emulated seconds, a number of VMs, or a percentage, as `unit` says */
  threshold: number;
  unit: BudgetUnit;
  /** where it was written, e.g. `budgets.total[1]` */
  where: string;
}

export interface Verdict {
  stage: string;
  expression: string;
  operator: Operator;
  /** what the run measured, in `unit`; null when no VM had the stage */
  actual: number | null;
  /** `actual` includes VMs the run cut off: the true figure is at least that */
  lowerBound: boolean;
  pass: boolean;
  unit: BudgetUnit;
  /** the budget's threshold, in `unit` */
  threshold: number;
}

export interface VmCounts {
  requested: number;
  up: number;
  failed: number;
  timedOut: number;
}

export class BudgetError extends UserError {
  override readonly name = 'BudgetError';
}

const EXPRESSION = /^\s*(?:([A-Za-z][\w.()]*)\s*)?(<=|>=|==|<|>)\s*(\S(?:.*\S)?)\s*$/;
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)$/;
const PERCENT = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;
const STATISTIC_HELP = 'min, mean, p50, p90, p95, p99, pNN, max or count';

/** Parses every budget of a spec; the first bad one throws a BudgetError naming it and where. */
export function parseBudgets(spec: BudgetSpec, path = 'budgets'): Budget[] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new BudgetError(`${path}: expected an object of stage names to expressions, e.g. { total: ['p95 < 80s'] }`);
  }
  const budgets: Budget[] = [];
  for (const [key, value] of Object.entries(spec)) {
    const stage = budgetKey(key, `${path}.${key}`);
    const list: readonly unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    if (list.length === 0) {
      throw new BudgetError(`${path}.${key}: expected an expression or a list of expressions, e.g. ['p95 < 80s']`);
    }
    list.forEach((expression, i) => {
      const where = typeof value === 'string' ? `${path}.${key}` : `${path}.${key}[${i}]`;
      if (typeof expression !== 'string') throw new BudgetError(`${where}: expected an expression string, got ${JSON.stringify(expression)}`);
      budgets.push(parseBudget(stage, expression, where));
    });
  }
  return budgets;
}

export function parseBudget(stage: StageName | OutcomeCount, expression: string, where: string): Budget {
  const bad = (problem: string): BudgetError => new BudgetError(`${where}: ${JSON.stringify(expression)}: ${problem}`);
  const m = EXPRESSION.exec(expression);
  if (!m) throw bad('expected "<statistic> <operator> <threshold>", e.g. "p95 < 80s", with operator < <= > >= or ==');
  const [, statText, operator, thresholdText] = m as unknown as [string, string | undefined, Operator, string];
  const outcome = (OUTCOME_COUNTS as readonly string[]).includes(stage);

  let statistic: Statistic;
  if (statText === undefined) {
    if (!outcome) throw bad(`a stage budget needs a statistic before the operator (${STATISTIC_HELP}), e.g. "p95 < 80s"`);
    statistic = 'count';
  } else {
    statistic = parseStatistic(statText, bad);
    if (outcome && statistic !== 'count') throw bad(`${stage} is a number of VMs: write "== 0", "< 5" or "< 1%"`);
  }

  if (statistic === 'count') {
    const pct = outcome ? PERCENT.exec(thresholdText) : null;
    if (pct) return { stage, expression, statistic, operator, threshold: Number(pct[1]), unit: '%', where };
    if (!NUMBER.test(thresholdText)) {
      throw bad(`expected a number of VMs${outcome ? ' or a percentage such as 1%' : ''}, got "${thresholdText}"`);
    }
    return { stage, expression, statistic, operator, threshold: Number(thresholdText), unit: 'count', where };
  }
  const seconds = durationSeconds(thresholdText);
  if (seconds === undefined) throw bad(`expected a duration (${DURATION_FORMS}), got "${thresholdText}"`);
  return { stage, expression, statistic, operator, threshold: seconds, unit: 's', where };
}

/** Judges every budget against the run's stage samples and outcome counts, in budget order. */
export function evaluateBudgets(
  budgets: readonly Budget[],
  input: { samples: Readonly<Record<StageName, Sample>>; vms: VmCounts },
): Verdict[] {
  return budgets.map((b) => {
    const actual = actualOf(b, input);
    const lowerBound = isStageName(b.stage) && input.samples[b.stage].lowerBoundOf(b.statistic, actual);
    const holds = actual !== null && compare(actual, b.operator, b.threshold);
    // only > and >= stay true for every value above a lower bound that meets them
    const pass = holds && (!lowerBound || b.operator === '>' || b.operator === '>=');
    return { stage: b.stage, expression: b.expression, operator: b.operator, actual, lowerBound, pass, unit: b.unit, threshold: b.threshold };
  });
}

function actualOf(b: Budget, input: { samples: Readonly<Record<StageName, Sample>>; vms: VmCounts }): number | null {
  if (b.stage === 'failed' || b.stage === 'timedOut' || b.stage === 'up') {
    const n = input.vms[b.stage];
    if (b.unit !== '%') return n;
    return input.vms.requested === 0 ? null : (100 * n) / input.vms.requested;
  }
  const sample = input.samples[b.stage];
  switch (b.statistic) {
    case 'count':
      return sample.count;
    case 'min':
      return sample.percentile(0);
    case 'max':
      return sample.percentile(100);
    case 'mean':
      return sample.mean();
    default:
      return sample.percentile(Number(b.statistic.slice(1)));
  }
}

function compare(actual: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
    case '==':
      return actual === threshold;
  }
}

function budgetKey(key: string, where: string): StageName | OutcomeCount {
  if (isStageName(key) || (OUTCOME_COUNTS as readonly string[]).includes(key)) return key as StageName | OutcomeCount;
  throw new BudgetError(
    `${where}: unknown stage "${key}"; budgets apply to the stages ${STAGES.join(', ')} and to the counts ${OUTCOME_COUNTS.join(', ')}`,
  );
}

function parseStatistic(text: string, bad: (problem: string) => BudgetError): Statistic {
  const lower = text.toLowerCase();
  if (lower === 'min' || lower === 'mean' || lower === 'max' || lower === 'count') return lower;
  if (lower === 'avg') return 'mean';
  if (lower === 'med') return 'p50';
  const p = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))$/.exec(lower);
  if (p) {
    const value = Number(p[1] ?? p[2]);
    if (value > 100) throw bad(`a percentile is between p0 and p100, got "${text}"`);
    return `p${value}`;
  }
  throw bad(`unknown statistic "${text}"; use ${STATISTIC_HELP}`);
}
