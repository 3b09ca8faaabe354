import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The command line that runs this stampede again as a child process (`stampede stack`, `stampede
 * driver ...`): the built entry when this is the build, the TypeScript entry through tsx when
 * this runs from the sources (tests, `npx tsx cli/stampede.ts`).
 */
export function stampedeCommand(): string[] {
  const built = fileURLToPath(new URL('../cli/stampede.js', import.meta.url));
  if (existsSync(built)) return [process.execPath, '--max-semi-space-size=64', built];
  return [process.execPath, '--import', 'tsx', fileURLToPath(new URL('../cli/stampede.ts', import.meta.url))];
}
