import type { z } from 'zod';
import { UserError } from '../errors.js';
import { containerMode } from './container.js';
import { embedded } from './embedded.js';
import { endpointMode } from './endpoint.js';
import { processMode } from './process.js';
import type { LaunchMode } from './types.js';

export type { LaunchContext, LaunchedStack, LaunchMode } from './types.js';

/** The launch modes, one file each; a scenario's `launch` choices are these names. */
export const LAUNCH_MODES: Readonly<Record<string, LaunchMode<never>>> = {
  [embedded.name]: embedded,
  [processMode.name]: processMode,
  [endpointMode.name]: endpointMode,
  [containerMode.name]: containerMode,
} as Record<string, LaunchMode<never>>;

export function launchMode(name: string): LaunchMode<unknown> {
  const mode = Object.hasOwn(LAUNCH_MODES, name) ? LAUNCH_MODES[name] : undefined;
  if (!mode) throw new UserError(`unknown launch mode "${name}"; expected one of ${Object.keys(LAUNCH_MODES).join(', ')}`);
  return mode as LaunchMode<unknown>;
}

/** A mode's options as its schema reads them; the issues, when they do not fit. */
export function launchOptions(name: string, input: unknown): z.ZodSafeParseResult<unknown> {
  return launchMode(name).options.safeParse(input);
}
