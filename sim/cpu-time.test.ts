import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuMicros, processCpuMicros } from './cpu-time.js';

describe.runIf(process.platform === 'linux')('processCpuMicros', () => {
  it("reads a process's own CPU from the OS, in 10 ms ticks, agreeing with what the process says of itself", () => {
    let x = 0;
    const until = cpuMicros() + 200_000;
    while (cpuMicros() < until) x = (x * 31 + 7) | 0;
    const os = processCpuMicros(process.pid)!;
    const self = cpuMicros();
    expect(x).not.toBeNaN();
    expect(os % 10_000).toBe(0);
    // the OS's figure is ticks, so it may trail by a tick or two, never lead by more than one
    expect(os).toBeGreaterThan(self - 50_000);
    expect(os).toBeLessThanOrEqual(self + 10_000);
  });

  it('is null for a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']);
    expect(gone.status).toBe(0);
    expect(processCpuMicros(gone.pid!)).toBeNull();
  });
});
