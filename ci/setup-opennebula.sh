#!/usr/bin/env bash
# What suites/real-opennebula needs on a CI machine (Debian 12, root): the runtime packages of
# the prebuilt OpenNebula bundle, and a hostname oned can resolve. Idempotent and fast when they
# are there (no apt at all). The tests unpack, start and stop the bundle themselves; nothing is
# left running here. Without a bundle (shared/opennebula/ beside the repository or one of its
# parents, or STAMPEDE_OPENNEBULA_BUNDLE) it says so and the suite skips with that reason.
set -euo pipefail
cd "$(dirname "$0")/.."

bundle="${STAMPEDE_OPENNEBULA_BUNDLE:-}"
if [ -z "$bundle" ]; then
  d=$(pwd)
  while [ "$d" != / ]; do
    d=$(dirname "$d")
    f=$(ls "$d"/shared/opennebula/opennebula-*.tar.xz 2>/dev/null | head -1 || true)
    if [ -n "$f" ]; then bundle=$f; break; fi
  done
fi
[ -d "$bundle" ] && bundle=$(ls "$bundle"/opennebula-*.tar.xz | head -1)
if [ -z "$bundle" ] || [ ! -f "$bundle" ]; then
  echo "setup-opennebula: no OpenNebula bundle found; suites/real-opennebula will skip"
  exit 0
fi

packages=$(tar -xJOf "$bundle" --wildcards '*/RUNTIME-PACKAGES.txt' | sed 's/#.*//' | awk 'NF {print $1}')
missing=$(for p in $packages; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
done)
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "setup-opennebula: $(echo $packages | wc -w) runtime packages of $(basename "$bundle") installed"

# oned resolves the machine's hostname at start
if ! getent hosts "$(hostname)" >/dev/null; then
  echo "127.0.1.1 $(hostname)" >> /etc/hosts
fi
