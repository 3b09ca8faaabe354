// The command's entry (bin/stampede.js starts it once built).
import { main } from './main.js';
import { runScenario } from './run-scenario.js';
import { quietWhenClosed } from './stdio.js';

const stdout = quietWhenClosed(process.stdout);
const stderr = quietWhenClosed(process.stderr);
const code = await main(process.argv.slice(2), { run: runScenario, stdout, stderr });
process.exitCode = code;
// An interrupted run that outlived its grace period may still hold timers: the signal's verdict
// is given, so end here rather than wait for them.
if (code > 128) process.exit(code);
