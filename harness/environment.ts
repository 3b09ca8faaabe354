import { cpus } from 'node:os';
import pkg from '../package.json' with { type: 'json' };
import { wallClock } from './wall-clock.js';

/**
 * Everything about a run that legitimately differs between two runs of the same scenario and
 * seed. It lives only here, so the rest of result.json is byte-identical from run to run.
 */
export interface Environment {
  harness: string;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  /** ISO 8601, UTC */
  startedAt: string;
  /** wall-clock duration of the run, ms */
  wallMs: number;
  /** peak resident set size of the harness process, MiB */
  peakRssMiB: number;
}

/** Starts the wall-clock watch of a run; `environment()` reads it when the run is over. */
export function startWallWatch(): { environment(): Environment } {
  const wall = wallClock();
  const startedAt = new Date(wall.epochMs()).toISOString();
  return {
    environment() {
      const cpu = cpus();
      return {
        harness: `stampede ${pkg.version}`,
        node: process.version,
        platform: process.platform,
        arch: process.arch,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? 'unknown',
        startedAt,
        wallMs: Math.round(wall.now()),
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
    },
  };
}
