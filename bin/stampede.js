#!/usr/bin/env -S node --max-semi-space-size=64
// The `stampede` command. It starts the built CLI (dist/, made by `npm run build` and by the
// package's prepare script); a checkout that was never built gets a sentence, not a stack trace.
// A large young generation: a burst allocates many short-lived promises and events, and with the
// default semi-space the scavenger alone took a third of a 100,000-VM run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/stampede.js', import.meta.url);
if (existsSync(entry)) {
  await import(entry.href);
} else {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`stampede: this copy of stampede is not built (no dist/); run \`npm run build\` in ${root} first\n`);
  process.exitCode = 2;
}
