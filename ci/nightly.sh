#!/usr/bin/env bash
# The nightly job, the same on a laptop: the nightly scenario (`stampede run`'s default, which
# suites/nightly/ writes out: 512 VMs on 16 hosts, the embedded reference stack, virtual time) once per seed, budgets judged on the pooled sample, every
# report kept in $STAMPEDE_OUT (default scale-report/): index.html, summary.md, junit.xml,
# benchmark.json (github-action-benchmark's customSmallerIsBetter), result.json, seed-<n>/trace.jsonl.
# Exit code is stampede's: 0 budgets held, 1 a budget failed or a detector fired, 2 could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${STAMPEDE_OUT:-scale-report}"
seeds="${STAMPEDE_SEEDS:-1..5}"

npm ci --no-audit --no-fund || exit 2
npm run --silent build || exit 2
node --max-semi-space-size=64 dist/cli/stampede.js run --seeds "$seeds" --out "$out"
status=$?

# On GitHub Actions the Markdown summary goes to the run's page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
  cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit $status
