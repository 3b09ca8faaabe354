import { describe, expect, it } from 'vitest';
import type { MethodHandler } from './endpoint.js';
import { growthOf, logLogSlope, sweep } from './sweep.js';

/**
 * A test-only wrapper around the stack's method table, not an edit of the stack: every
 * one.vm.allocate first scans a list as long as the pool (a fixed amount of arithmetic per
 * entry), the O(n) per call of a pool scan. It moves no emulated second; only CPU shows it.
 *
 * CPU is measured, so noisy: the test asserts no figure, only the fitted exponent of the stack's
 * CPU over a fourfold range of sizes, with an effect large enough (the scan is most of the
 * stack's CPU at 512 VMs, and n^2 in total) that noise cannot carry the clean stack's exponent
 * (about n^0.6 here: fixed costs weigh at these sizes) past n^1.15, nor the scan's below it.
 */
function poolScan(table: ReadonlyMap<string, MethodHandler>): ReadonlyMap<string, MethodHandler> {
  const pool: number[] = [];
  const out = new Map(table);
  const allocate = table.get('one.vm.allocate')!;
  out.set('one.vm.allocate', (params) => {
    let x = 0;
    for (const id of pool) for (let k = 0; k < 8000; k += 1) x = (x * 31 + id + k) | 0;
    pool.push(x & 1);
    return allocate(params);
  });
  return out;
}

const input = { hosts: { count: 4 }, vms: { count: 128 } };
const sizes = [128, 256, 512];

describe('sweep', () => {
  it('fits y ~ n^b by least squares on log-log', () => {
    expect(logLogSlope([1, 2, 4], [3, 12, 48])).toBeCloseTo(2, 12);
    expect(logLogSlope([512, 2048, 8192], [5, 5, 5])).toBe(0);
  });

  it('judges CPU by the work of the whole burst and a stage by the time to serve it', () => {
    const ns = [512, 2048, 8192];
    // a fixed-throughput stage: the burst's mean wait grows as n, which is capacity, not a regression
    expect(growthOf('PENDING-PROLOG', ns, [2, 8, 32])).toMatchObject({ total: expect.closeTo(1, 9), superlinear: false });
    // a throughput that falls as the pool grows: n^2
    expect(growthOf('START-PENDING', ns, [0.1, 1.6, 25.6])).toMatchObject({ total: expect.closeTo(2, 9), superlinear: true });
    // the same linear growth per VM in CPU is n^2 of work
    expect(growthOf('stack CPU', ns, [2, 8, 32])).toMatchObject({ total: expect.closeTo(2, 9), superlinear: true });
    expect(growthOf('stack CPU', ns, [5, 5, 5])).toMatchObject({ total: 1, superlinear: false });
  });

  it("flags an allocate whose cost grows with the pool by the stack's CPU, and stays quiet on the clean stack", async () => {
    const clean = await sweep(input, {}, { sizes });
    const scanned = await sweep(input, {}, { sizes, api: poolScan });
    expect(clean.points.map((p) => p.hosts)).toEqual([4, 8, 16]);
    const cpu = (s: typeof clean) => s.growth.find((g) => g.of === 'stack CPU')!;
    expect(cpu(clean).superlinear).toBe(false);
    expect(cpu(scanned).superlinear).toBe(true);
    expect(clean.findings).toEqual([]);
    expect(clean.exitCode).toBe(0);
    expect(scanned.findings).toContainEqual(expect.objectContaining({ detector: 'growth', pathology: 'superlinear-stack-cpu' }));
    expect(scanned.exitCode).toBe(1);
    // the scan costs CPU only: every stage's emulated time is the same with and without it
    expect(scanned.points.map((p) => p.stages)).toEqual(clean.points.map((p) => p.stages));
  }, 120_000);
});
