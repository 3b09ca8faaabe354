import { join } from 'node:path';
import { evaluateBudgets, type VmCounts } from './budgets.js';
import type { Lag } from './lag.js';
import { buildResult, stageStats, type Finding, type JsonValue, type Result, type SeedRun, type SeedRuns } from './result.js';
import { run, type RunOptions } from './run.js';
import type { ResolvedScenario } from './scenario.js';
import { STAGES, type StageName } from './stages.js';
import { Sample } from './stats.js';
import { maxOf, minOf } from './extremes.js';

/**
 * Runs a scenario once per seed and judges its budgets on the pooled sample: every VM of every
 * seed counts once, so `p95 < 85s` over seeds 1..5 reads "95% of 2,560 deploys within 85 s"
 * (docs/architecture.md). One seed is a plain run, its result unchanged. Each seed's trace goes
 * to `<out>/seed-<n>/trace.jsonl`; the result keeps each seed's figures and the spread.
 */
export async function runSeeds(resolved: ResolvedScenario, options: RunOptions = {}): Promise<Result> {
  const { seeds } = resolved;
  if (seeds.length === 1) return run(withSeed(resolved, seeds[0]!), options);
  const results: Result[] = [];
  const samples: Array<Readonly<Record<StageName, Sample>>> = [];
  for (const seed of seeds) {
    if (options.signal?.aborted && results.length > 0) break;
    const { out, ...rest } = options;
    const result = await run(withSeed(resolved, seed), {
      ...rest,
      ...(out === undefined ? {} : { out: join(out, `seed-${seed}`) }),
      onSamples: (s) => samples.push(s),
    });
    results.push(result);
  }
  return pooled(resolved, results, samples);
}

function withSeed(resolved: ResolvedScenario, seed: number): ResolvedScenario {
  return { ...resolved, seeds: [seed], scenario: { ...resolved.scenario, seed } };
}

function pooled(resolved: ResolvedScenario, results: readonly Result[], perSeed: ReadonlyArray<Readonly<Record<StageName, Sample>>>): Result {
  const samples = {} as Record<StageName, Sample>;
  for (const stage of STAGES) samples[stage] = Sample.pool(perSeed.map((s) => s[stage]));
  const vms: VmCounts = { requested: 0, up: 0, failed: 0, timedOut: 0 };
  for (const r of results) for (const k of Object.keys(vms) as Array<keyof VmCounts>) vms[k] += r.vms[k];
  const stages = stageStats(samples);
  const checks = results.map((r) => r.crossCheck);
  const runs: SeedRun[] = results.map((r, i) => ({
    seed: resolved.seeds[i]!,
    vms: r.vms,
    stages: r.stages,
    budgets: r.budgets,
    findings: [...new Set(r.findings.map((f) => f.pathology))],
    exitCode: r.exitCode,
  }));
  const first = results[0]!;
  const result = buildResult({
    scenario: resolved.scenario as unknown as JsonValue,
    // the first seed's run, cut off at its deadline if any seed's was
    run: { ...first.run, deadlineHit: results.some((r) => r.run.deadlineHit) },
    interrupted: results.find((r) => r.interrupted !== null)?.interrupted ?? null,
    accounting: {
      vms,
      failures: results.flatMap((r) => r.failures),
      crossCheck: {
        polled: checks.reduce((n, c) => n + c.polled, 0),
        upButNotRunning: checks.reduce((n, c) => n + c.upButNotRunning, 0),
        examples: checks.flatMap((c) => c.examples).slice(0, 20),
      },
    },
    stages,
    verdicts: evaluateBudgets(resolved.budgets, { samples, vms }),
    findings: pooledFindings(results, resolved.seeds),
    lag: worstLag(results.map((r) => r.lag)),
    environment: {
      ...results[0]!.environment,
      wallMs: results.reduce((n, r) => n + r.environment.wallMs, 0),
      peakRssMiB: maxOf(results, (r) => r.environment.peakRssMiB),
    },
  });
  return { ...result, seeds: { runs, spread: spreadOf(runs) }, ...(first.series ? { series: first.series } : {}) };
}

/** A pathology named on several seeds is one finding: the first seed's, saying on which seeds it fired. */
function pooledFindings(results: readonly Result[], seeds: readonly number[]): Finding[] {
  const byKey = new Map<string, { finding: Finding; seeds: number[] }>();
  results.forEach((r, i) => {
    for (const f of r.findings) {
      const key = `${f.pathology}\u0000${f.stage}`;
      const seen = byKey.get(key);
      if (seen) {
        if (!seen.seeds.includes(seeds[i]!)) seen.seeds.push(seeds[i]!);
      } else byKey.set(key, { finding: f, seeds: [seeds[i]!] });
    }
  });
  return [...byKey.values()].map(({ finding, seeds: on }) => ({
    ...finding,
    evidence: `${finding.evidence} (seed ${on[0]}; fired on ${on.length} of ${seeds.length} seeds: ${on.join(', ')})`,
  }));
}

function worstLag(lags: readonly Lag[]): Lag {
  const timers = lags.reduce((n, l) => n + l.timers, 0);
  return {
    clock: lags[0]!.clock,
    timers,
    meanMs: timers === 0 ? 0 : lags.reduce((n, l) => n + l.meanMs * l.timers, 0) / timers,
    p99Ms: maxOf(lags, (l) => l.p99Ms),
    maxMs: maxOf(lags, (l) => l.maxMs),
    factor: lags[0]!.factor,
    auto: lags[0]!.auto,
    lostMs: maxOf(lags, (l) => l.lostMs),
    ...worstStack(lags),
    bounds: Object.fromEntries(
      STAGES.map((stage) => [
        stage,
        { mean: maxOf(lags, (l) => l.bounds[stage].mean), quantiles: maxOf(lags, (l) => l.bounds[stage].quantiles) },
      ]),
    ) as Lag['bounds'],
    warning: lags.find((l) => l.warning !== null)?.warning ?? null,
  };
}

/** The stack process's loss of the seed whose stack lost the most, as the worst lag's. */
function worstStack(lags: readonly Lag[]): Pick<Lag, 'stack'> {
  const stacks = lags.flatMap((l) => (l.stack ? [l.stack] : []));
  return stacks.length === 0 ? {} : { stack: stacks.reduce((a, b) => (b.lostMs > a.lostMs ? b : a)) };
}

const SPREAD_STATS = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

function spreadOf(runs: readonly SeedRun[]): SeedRuns['spread'] {
  const out = {} as SeedRuns['spread'];
  for (const stage of STAGES) {
    const row = {} as SeedRuns['spread'][StageName];
    for (const stat of SPREAD_STATS) {
      const values = runs.map((r) => r.stages[stage][stat]).filter((v): v is number => v !== null);
      row[stat] = values.length === 0 ? { min: null, max: null } : { min: minOf(values), max: maxOf(values) };
    }
    out[stage] = row;
  }
  return out;
}
