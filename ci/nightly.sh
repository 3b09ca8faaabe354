#!/usr/bin/env bash
# The nightly job: the 512-VM suite on the embedded reference stack, its reports kept.
# Exit code is stampede's: 0 budgets held, 1 a budget failed, 2 could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${STAMPEDE_OUT:-scale-report}"

npm ci --no-audit --no-fund || exit 2
npm run --silent build || exit 2
node dist/cli/stampede.js run --out "$out"
status=$?

# On GitHub Actions the Markdown summary goes to the run's page.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
  cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit $status
