#!/usr/bin/env -S node --max-semi-space-size=64
// A large young generation: a burst allocates many short-lived promises and events, and with
// the default semi-space the scavenger alone took a third of a 100,000-VM run.
import { main } from './main.js';
import { runScenario } from './run-scenario.js';

process.exitCode = await main(process.argv.slice(2), { run: runScenario, stdout: process.stdout, stderr: process.stderr });
