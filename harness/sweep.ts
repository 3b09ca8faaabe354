/**
 * Growth: the regressions one size cannot see (docs/architecture.md "Growth"). A sweep runs the
 * scenario at several sizes, hosts scaled with the VMs so each size keeps the density, and fits
 * how each stage's mean time and the stack's CPU per VM grow with the size: a least-squares line
 * through (log n, log y), whose slope b says y ~ n^b.
 *
 * The two are judged as the cost of serving the burst, which is a different power of n for each:
 * - CPU is work: all n VMs cost n * n^b, and above n^1.15 the work per VM grows with the pool
 *   (a pool scan in every allocate: no emulated second moves in virtual time, this is where it
 *   shows).
 * - Time is a makespan: a burst of n requests at once through a stage of fixed throughput (the
 *   head node's API workers, dispatch limits, driver pools, image store, none of which grow with
 *   the hosts) waits n / throughput for its last VM and about half that on average, so a stage's
 *   mean grows as n^1 on a clean stack. That is the head node's capacity, reported, not judged;
 *   above n^1.15 the throughput itself falls as the pool grows, which is the regression.
 */
import type { MethodHandler } from './endpoint.js';
import { UserError } from './errors.js';
import { ExitCode, type Finding } from './result.js';
import { run } from './run.js';
import { resolveScenario, type ScenarioOverrides } from './scenario.js';
import { StackCpuMeter } from './stack-cpu.js';
import { STAGES, type StageName } from './stages.js';
import type { StageStats } from './stats.js';

/** Growth of the whole burst's cost above n^1.15 is superlinear. */
export const SUPERLINEAR_EXPONENT = 1.15;

export interface SweepPoint {
  vms: number;
  hosts: number;
  stages: Record<StageName, StageStats>;
  /** CPU the stack spent, ms; null when the launch mode cannot measure it */
  stackCpuMs: number | null;
  exitCode: ExitCode;
}

export interface Growth {
  /** a stage's mean time, or the stack's CPU */
  of: StageName | 'stack CPU';
  /** y per VM ~ n^perVm: a stage's mean time, or the stack's CPU divided by the VMs */
  perVm: number;
  /** the cost of serving the burst ~ n^total: the time to serve it (= perVm) or all its CPU (1 + perVm) */
  total: number;
  superlinear: boolean;
}

export interface Sweep {
  points: SweepPoint[];
  growth: Growth[];
  findings: Finding[];
  exitCode: ExitCode;
}

export interface SweepOptions {
  /** VM counts, ascending; at least two */
  sizes: readonly number[];
  /** test-only: wraps the stack's API table (inside the CPU meter), e.g. to inject a cost */
  api?: (table: ReadonlyMap<string, MethodHandler>) => ReadonlyMap<string, MethodHandler>;
  /** called after each size with its point, for a live report */
  onPoint?: (p: SweepPoint) => void;
}

export async function sweep(input: unknown, overrides: ScenarioOverrides, options: SweepOptions, source = 'scenario'): Promise<Sweep> {
  const sizes = [...options.sizes];
  if (sizes.length < 2) throw new UserError('--vms takes at least two sizes to fit a growth, e.g. 512,2048,8192');
  const base = resolveScenario(input, overrides, source);
  if (Array.isArray(base.scenario.hosts)) throw new UserError(`${source}: a sweep scales hosts.count with the VMs; give hosts as { count, cores, memoryMiB }, not a list`);
  const density = base.scenario.vms.count / base.hosts.length;
  const points: SweepPoint[] = [];
  for (const vms of sizes) {
    const hosts = Math.max(1, Math.round(vms / density));
    const resolved = resolveScenario(input, { ...overrides, vms, hosts }, source);
    const meter = new StackCpuMeter();
    const result = await run(resolved, { meter, ...(options.api ? { api: options.api } : {}) });
    const point: SweepPoint = { vms, hosts, stages: result.stages, stackCpuMs: meter.source === null ? null : meter.cpuMs, exitCode: result.exitCode };
    points.push(point);
    options.onPoint?.(point);
  }
  const growth: Growth[] = [];
  const ns = points.map((p) => p.vms);
  for (const stage of STAGES) {
    const ys = points.map((p) => p.stages[stage].mean);
    if (ys.some((y) => y === null || !(y > 0))) continue;
    growth.push(growthOf(stage, ns, ys as number[]));
  }
  if (points.every((p) => p.stackCpuMs !== null && p.stackCpuMs > 0)) {
    growth.push(growthOf('stack CPU', ns, points.map((p) => p.stackCpuMs! / p.vms)));
  }
  const findings = growth.filter((g) => g.superlinear).map((g) => finding(g, points));
  return { points, growth, findings, exitCode: findings.length > 0 ? ExitCode.VERDICT : ExitCode.OK };
}

/** Least-squares slope of log y on log x. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i += 1) {
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    sxx += (lx[i]! - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

export function growthOf(of: Growth['of'], ns: readonly number[], perVm: readonly number[]): Growth {
  const b = logLogSlope(ns, perVm);
  const total = of === 'stack CPU' ? 1 + b : b;
  return { of, perVm: b, total, superlinear: total > SUPERLINEAR_EXPONENT };
}

function finding(g: Growth, points: readonly SweepPoint[]): Finding {
  const first = points[0]!;
  const last = points.at(-1)!;
  const cpu = g.of === 'stack CPU';
  const per = (p: SweepPoint): string => (cpu ? `${((p.stackCpuMs! / p.vms) * 1000).toFixed(0)} us` : `${p.stages[g.of as StageName].mean!.toFixed(2)} s`);
  return {
    detector: 'growth',
    pathology: cpu ? 'superlinear-stack-cpu' : 'superlinear-stage-time',
    stage: cpu ? 'total' : (g.of as StageName),
    hosts: [],
    evidence:
      `${cpu ? "the stack's CPU per VM" : `${g.of} mean time`} grew from ${per(first)} at ${first.vms} VMs to ${per(last)} at ${last.vms} VMs: ` +
      (cpu
        ? `the burst's CPU grows as n^${g.total.toFixed(2)}, above n^${SUPERLINEAR_EXPONENT}`
        : `the time to serve the burst grows as n^${g.total.toFixed(2)}, above n^${SUPERLINEAR_EXPONENT}: the stage's throughput falls as the pool grows`),
  };
}
