import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's globalSetup: the test processes get a temporary directory of their own (TMPDIR, which
 * os.tmpdir() reads), and the run fails if a test left anything in it. So `npm test` leaves /tmp
 * as it found it, and several people's test runs on one machine never see each other's files.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'stampede-tests-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // vitest reports an error thrown here but still exits 0: the exit code is set too
      process.exitCode = 1;
      throw new Error(`the tests left ${left.length} entries in their temporary directory (removed now): ${left.join(', ')}`);
    }
  };
}
