#!/usr/bin/env bash
# The PR gate, the same on a laptop: the base branch's PR suite gives the baseline, this checkout's
# PR suite is judged against it (`stampede gate`), and the verdict is Markdown for a PR comment.
#
#   ci/pr-gate.sh [BASE_REF]      BASE_REF defaults to $STAMPEDE_BASE, else origin/main
#
# Writes $STAMPEDE_OUT (default gate-report/): the head's reports, gate.md (the comment) and
# base/ (the baseline's reports). The base is built in a temporary git worktree, removed at the end.
# Exit code is the gate's: 0 pass, 1 a budget failed, a detector fired or a stage regressed,
# 2 could not run. A base branch that cannot run its PR suite leaves the head judged on budgets
# and findings alone, and gate.md says so.
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
base_ref="${1:-${STAMPEDE_BASE:-origin/main}}"
out="${STAMPEDE_OUT:-gate-report}"
mkdir -p "$out" || exit 2
out="$(cd "$out" && pwd)"

base_dir="$(mktemp -d "${TMPDIR:-/tmp}/stampede-base-XXXXXX")" || exit 2
cleanup() {
  git -C "$root" worktree remove --force "$base_dir" >/dev/null 2>&1 || true
  rm -rf "$base_dir"
}
trap cleanup EXIT

if ! git rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null; then
  echo "ci/pr-gate.sh: the base \"$base_ref\" is not a commit here (fetch it first, e.g. git fetch origin main)" >&2
  exit 2
fi

# The baseline: the base branch's own PR suite, built and run in its own worktree.
baseline=()
rmdir "$base_dir"
if git worktree add --detach --quiet "$base_dir" "$base_ref" &&
  (cd "$base_dir" && npm ci --no-audit --no-fund && npm run --silent build) &&
  (cd "$base_dir" && node dist/cli/stampede.js gate --out "$out/base" >/dev/null; [ $? -le 1 ]); then
  baseline=(--baseline "$out/base/result.json")
else
  echo "ci/pr-gate.sh: the base $base_ref could not run its PR suite: the head is judged on budgets and findings alone" >&2
fi

# The head: this checkout.
npm ci --no-audit --no-fund || exit 2
npm run --silent build || exit 2
node dist/cli/stampede.js gate "${baseline[@]}" --out "$out"
status=$?

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/gate.md" ]; then
  cat "$out/gate.md" >> "$GITHUB_STEP_SUMMARY"
fi
exit $status
