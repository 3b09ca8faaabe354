import { UserError } from '../errors.js';
import { embedded } from './embedded.js';
import type { LaunchMode } from './types.js';

export type { LaunchContext, LaunchedStack, LaunchMode } from './types.js';

/** The launch modes, one file each. */
export const LAUNCH_MODES: Readonly<Record<string, LaunchMode>> = {
  [embedded.name]: embedded,
};

export function launchMode(name: string): LaunchMode {
  const mode = Object.hasOwn(LAUNCH_MODES, name) ? LAUNCH_MODES[name] : undefined;
  if (!mode) throw new UserError(`unknown launch mode "${name}"; expected one of ${Object.keys(LAUNCH_MODES).join(', ')}`);
  return mode;
}
