import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { run } from '../run.js';
import { resolveScenario } from '../scenario.js';
import { StackCpuMeter } from '../stack-cpu.js';

describe('launch mode process', () => {
  it('runs a burst through stampede stack and its MAD driver processes, the farm over HTTP, on the scaled clock', async () => {
    const resolved = resolveScenario({
      launch: 'process',
      clock: 'scaled:20',
      hosts: { count: 2 },
      vms: { count: 8 },
      budgets: { failed: '== 0' },
    });
    const meter = new StackCpuMeter();
    const result = await run(resolved, { meter });
    expect(result.vms).toMatchObject({ requested: 8, up: 8, failed: 0 });
    expect(result.exitCode).toBe(0);
    // the stack child's own CPU, read from the OS while it served the burst
    expect(meter.source).toBe('process');
    expect(meter.cpuMs).toBeGreaterThan(0);
    // the stack child's own lost time, read off its clock and counted in the bounds
    expect(result.lag.stack?.timers).toBeGreaterThan(0);
    expect(result.lag.stack?.lostMs).toBeGreaterThan(0);
  }, 480_000);

  it('runs on the factor scaled:auto picks: predicted from the same scenario embedded, checked by a probe in process mode', async () => {
    const result = await run(resolveScenario({ launch: 'process', clock: 'scaled:auto', hosts: { count: 2 }, vms: { count: 8 }, budgets: { failed: '== 0' } }));
    expect(result.vms).toMatchObject({ requested: 8, up: 8, failed: 0 });
    const { auto, factor } = result.lag;
    expect(auto).not.toBeNull();
    expect(auto!.calibration).toBe('a virtual-time run of the same scenario');
    // the probe ran at the predicted factor; the run kept it or lowered it, never raised it
    expect(auto!.probe).not.toBeNull();
    expect(factor).toBeLessThanOrEqual(auto!.probe!.factor);
    if (auto!.probe!.bound <= auto!.target * auto!.calibrationTotalMean) expect(factor).toBe(auto!.probe!.factor);
    else expect(factor).toBeLessThan(auto!.probe!.factor);
  }, 480_000);

  it('is refused on the virtual clock, and says so when its stack cannot start', async () => {
    await expect(run(resolveScenario({ launch: 'process', vms: { count: 1 } }))).rejects.toThrow(
      'launch mode process cannot run on the virtual clock (it takes scaled)',
    );
    const broken = resolveScenario({ launch: { mode: 'process', command: ['/nonexistent/stampede'] }, clock: 'scaled:20', vms: { count: 1 } });
    await expect(run(broken)).rejects.toThrow(UserError);
    await expect(run(broken)).rejects.toThrow(/^the stack child process \(\/nonexistent\/stampede stack .*\) could not be started/);
  }, 120_000);
});
