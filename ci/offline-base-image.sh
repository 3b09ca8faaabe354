#!/usr/bin/env bash
# Builds a base image for the Dockerfile on a machine that cannot pull from an image registry:
# Debian bookworm from Debian's own packages (debootstrap --variant=minbase) with this machine's
# `node` copied in, imported with `docker import`. The Dockerfile names it with
#   docker build --build-arg BASE=stampede-base:bookworm-node<MAJOR> .
# Idempotent: an image already tagged so is kept. Prints the tag on its last line.
#   ci/offline-base-image.sh            # tag stampede-base:bookworm-node<MAJOR of this node>
#   STAMPEDE_BASE_TAG=my/base:1 ci/offline-base-image.sh
# Needs root (debootstrap), debootstrap, a Docker engine and a Debian mirror (DEBIAN_MIRROR).
set -euo pipefail

node_bin="$(command -v node)"
major="$("$node_bin" -p 'process.versions.node.split(".")[0]')"
tag="${STAMPEDE_BASE_TAG:-stampede-base:bookworm-node${major}}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "offline-base-image: $tag exists, kept" >&2
  echo "$tag"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "offline-base-image: debootstrap is not installed (apt-get install -y debootstrap)" >&2; exit 2; }

root="$(mktemp -d /var/tmp/stampede-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "offline-base-image: debootstrap bookworm into $root from $mirror" >&2
# ca-certificates: npm ci inside the build stage talks TLS to the npm registry
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror" >&2

# This machine's node, one self-contained binary (its libraries are the C and C++ runtime,
# which minbase has); npm and npx from its installation beside it.
prefix="$(dirname "$(dirname "$(readlink -f "$node_bin")")")"
install -m 0755 "$(readlink -f "$node_bin")" "$root/usr/local/bin/node"
if [ -d "$prefix/lib/node_modules/npm" ]; then
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$prefix/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
elif [ -d /usr/share/nodejs/npm ]; then
  # Debian's nodejs package keeps npm here
  mkdir -p "$root/usr/share/nodejs"
  cp -a /usr/share/nodejs/npm "$root/usr/share/nodejs/npm"
  ln -sf ../../share/nodejs/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../../share/nodejs/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
fi
chroot "$root" /usr/local/bin/node --version >&2
# This machine's trust store: a build stage's `npm ci` then trusts what this machine's npm trusts
# (a TLS-inspecting proxy's CA included), and node reads it too (NODE_EXTRA_CA_CERTS below).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi
# apt's lists and caches are not needed at run time
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  --message "debootstrap minbase bookworm + node $("$node_bin" --version)" \
  - "$tag" >&2
echo "offline-base-image: built $tag" >&2
echo "$tag"
