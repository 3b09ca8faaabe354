#!/usr/bin/env node
import { main } from './main.js';
import { runScenario } from './run-scenario.js';

process.exitCode = await main(process.argv.slice(2), { run: runScenario, stdout: process.stdout, stderr: process.stderr });
