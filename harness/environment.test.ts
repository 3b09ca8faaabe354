import { describe, expect, it } from 'vitest';
import { startWallWatch } from './environment.js';

describe('startWallWatch', () => {
  it('describes the machine and the harness', () => {
    const env = startWallWatch().environment();
    expect(env.harness).toMatch(/^stampede \d+\.\d+\.\d+/);
    expect(env.node).toBe(process.version);
    expect(env.cpus).toBeGreaterThan(0);
    expect(new Date(env.startedAt).toISOString()).toBe(env.startedAt);
    expect(Number.isInteger(env.wallMs)).toBe(true);
  });
});
