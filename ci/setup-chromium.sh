#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: the report test (reports/html.browser.test.ts)
# opens index.html in it, headless, through playwright-core. Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
