import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';

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
  clock?: ClockChoice;
  /** `--set PATH=VALUE`: any scenario field, in the order given */
  set?: ScenarioSetting[];
  /** report directory: result.json, summary.md, junit.xml, trace.jsonl */
  out: string;
}

/** One `--set` flag: a dotted path into the scenario and a value read as YAML. */
export interface ScenarioSetting {
  path: string[];
  value: unknown;
}

export type ClockChoice = { kind: 'virtual' } | { kind: 'scaled'; scale: number };

export const DEFAULT_OUT = 'scale-report';

const SCENARIO_EXTENSIONS = ['.ts', '.mts', '.json', '.yaml', '.yml'];

/** commander argument parsers: each throws one sentence naming the flag and the value. */
export function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be a whole number ${min === 0 ? '>= 0' : `>= ${min}`}, got "${value}".`);
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
  if (value === 'virtual') return { kind: 'virtual' };
  const m = /^scaled:(\d+(?:\.\d+)?|\.\d+)$/.exec(value);
  const scale = m ? Number(m[1]) : Number.NaN;
  if (!(scale > 0)) {
    throw new InvalidArgumentError(`--clock must be "virtual" or "scaled:FACTOR" with FACTOR > 0 (e.g. scaled:50), got "${value}".`);
  }
  return { kind: 'scaled', scale };
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
