import { existsSync } from 'node:fs';
import { access, constants, mkdir, stat } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { CLOCK_FORMS, parseClock, type ClockSpec } from '../harness/scenario.js';
import { parseSeeds } from '../harness/seed-list.js';

/**
 * What `stampede run` was asked for, as plain data. Scenario loading (the integrator's) takes
 * the file's values, then these on top; fields left out keep the file's value or the default.
 */
export interface RunOverrides {
  /** path as typed, relative to the working directory */
  scenarioFile?: string;
  vms?: number;
  hosts?: number;
  profile?: string;
  seed?: number;
  /** `--seeds 1..5`, as typed (checked by seedList) */
  seeds?: string;
  clock?: ClockChoice;
  /** where the stack runs: embedded, process or endpoint */
  launch?: string;
  /** the endpoint mode's stack URL */
  endpoint?: string;
  /** endpoint mode: leave the VMs and hosts the run created */
  keep?: boolean;
  /** `--set PATH=VALUE`: any scenario field, in the order given */
  set?: ScenarioSetting[];
  /** report directory: result.json, summary.md, junit.xml, benchmark.json, index.html, trace.jsonl */
  out: string;
}

/** One `--set` flag: a dotted path into the scenario and a value read as YAML. */
export interface ScenarioSetting {
  path: string[];
  value: unknown;
}

export type ClockChoice = ClockSpec;

export const DEFAULT_OUT = 'scale-report';

const SCENARIO_EXTENSIONS = ['.ts', '.mts', '.json', '.yaml', '.yml'];

/** commander argument parsers: each throws one sentence naming the flag and the value. */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (n > max) throw new InvalidArgumentError(`${flag} ${value.trim()} is too large: at most ${max.toLocaleString('en-US')}.`);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}, got "${value}".`);
    }
    return n;
  };
}

export function profileName(value: string): string {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(value)) {
    throw new InvalidArgumentError(`--profile must be a profile name such as optimized or opennebula-4.4, got "${value}".`);
  }
  return value;
}

/** `virtual`, or `scaled:FACTOR` with FACTOR emulated seconds per wall second. */
export function clockChoice(value: string): ClockChoice {
  const clock = parseClock(value);
  if (clock === undefined) throw new InvalidArgumentError(`--clock must be ${CLOCK_FORMS}, got "${value}".`);
  return clock;
}

/**
 * `--set PATH=VALUE`, repeatable: PATH is dotted (`load.mode`, `latency.vmm.deploy`), VALUE is
 * read as YAML, so `512`, `true`, `2h`, `[a, b]` and `{dist: fixed, value: 300}` all work. A key
 * that itself has a dot (a fault rule like `tm.clone`) is reached by setting its parent object.
 */
export function scenarioSetting(value: string, previous: ScenarioSetting[] | undefined): ScenarioSetting[] {
  const eq = value.indexOf('=');
  const path = eq > 0 ? value.slice(0, eq).trim().split('.') : [];
  if (eq <= 0 || path.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    throw new InvalidArgumentError(`--set takes PATH=VALUE with a dotted PATH such as load.mode=serial, got "${value}".`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(value.slice(eq + 1));
  } catch (error) {
    throw new InvalidArgumentError(`--set ${path.join('.')}: the value is not valid YAML (${(error as Error).message.split('\n')[0]}).`);
  }
  return [...(previous ?? []), { path, value: parsed ?? '' }];
}

/** `--seeds 1..5`, `1,3,8`: kept as typed, the scenario reads it; checked here so a typo is a usage error. */
export function seedList(value: string): string {
  try {
    parseSeeds(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
  return value;
}

export function outDir(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('--out must name a directory, got an empty string.');
  return value;
}

/** The scenario file must exist and be of a kind the loader reads. */
export function checkScenarioFile(path: string): string | undefined {
  const ext = extname(path).toLowerCase();
  if (!SCENARIO_EXTENSIONS.includes(ext)) {
    return `scenario file "${path}" must end in ${SCENARIO_EXTENSIONS.slice(0, -1).join(', ')} or ${SCENARIO_EXTENSIONS.at(-1)}.`;
  }
  if (!existsSync(path)) return `scenario file "${path}" does not exist.`;
  return undefined;
}

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file',
  ENOENT: 'that place does not take new directories',
  ENOSPC: 'no space left on the device',
};

/**
 * Creates the report directory if it is missing and checks it takes files; a sentence when it
 * cannot. One level at a time, without `recursive`: a recursive mkdir on a pseudo file system
 * such as /proc never returns, and would hold the run hostage. Never blocks the event loop.
 */
export async function checkOutDir(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const kind = await stat(at).then(
      (s) => (s.isDirectory() ? 'directory' : 'file'),
      (e: NodeJS.ErrnoException) => e.code ?? 'error',
    );
    if (kind === 'directory') break;
    if (kind !== 'ENOENT' && kind !== 'ENOTDIR') return `--out "${dir}": ${at} ${kind === 'file' ? 'is a file, not a directory' : `cannot be read (${WHY[kind] ?? kind})`}.`;
    missing.unshift(at);
    if (dirname(at) === at) break;
    at = dirname(at);
  }
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST') continue;
      return `--out "${dir}": cannot create ${path} (${WHY[code] ?? code}).`;
    }
  }
  try {
    await access(resolve(dir), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return `--out "${dir}": cannot write reports there (${WHY[code] ?? code}).`;
  }
  return undefined;
}
