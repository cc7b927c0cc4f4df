#!/bin/bash
# Builds the image's release INSIDE the root file system being built (its chroot): `npm ci
# --omit=dev`, so that the native modules (alsa-capture, audify, classic-level,
# @serialport/bindings-cpp) are compiled for, or picked from their prebuilds for, the box's own
# architecture, libraries and Node. install-app.sh puts it at /usr/lib/tallennin/build/ with
# app.env (which release); the pi-gen stage runs it from 02-app/01-run-chroot.sh,
# image/test/rootfs-test.sh with chroot. Needs the npm registry and the Debian archive.
#
# The compilers and headers it needs are installed for the build and purged after it (only those
# that were not there before): the box itself never compiles anything. libasound2 stays: the
# recorder's ALSA capture runs on it.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit
# What is unpacked or built here must be readable by the recorder's user, whatever umask the
# caller (sudo, a chroot) brings.
umask 022

build=/usr/lib/tallennin/build
TALLENNIN_RELEASE=
# shellcheck source=/dev/null
. "$build/app.env"
release=$TALLENNIN_RELEASE
say() { printf 'build-app: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
[ -f "$release/package-lock.json" ] || die "no release at '$release' (app.env)"

node=/usr/bin/node
[ -x "$node" ] || die "no $node: install-node.sh first"
node_home=$(dirname "$(dirname "$(readlink -f "$node")")")
npm_cli=$node_home/lib/node_modules/npm/bin/npm-cli.js
[ -f "$npm_cli" ] || die "no npm next to $node ($npm_cli)"

# --- build tools, for the build only -----------------------------------------------------------

export DEBIAN_FRONTEND=noninteractive
added=()
for p in build-essential python3 cmake libasound2-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || added+=("$p")
done
if ((${#added[@]})); then
  say "installing for the build: ${added[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${added[@]}" >&2
fi

# --- npm ci ------------------------------------------------------------------------------------

# Node's own headers (the official tarball has them under include/node): node-gyp would
# otherwise download them from nodejs.org.
if [ -f "$node_home/include/node/node.h" ]; then
  export npm_config_nodedir=$node_home
fi
# Install scripts call npm and node by name (audify falls back to `npm run rebuild` when it
# cannot download its prebuilt binary): the tarball's bin/ first on PATH, for the build only.
export PATH=$node_home/bin:$PATH
cache=$(mktemp -d /var/tmp/tallennin-npm-cache.XXXXXX)
export npm_config_cache=$cache
cd "$release"
say "npm ci --omit=dev in $release (node $("$node" --version), $(uname -m))"
"$node" "$npm_cli" ci --omit=dev --no-audit --no-fund --no-update-notifier --loglevel=warn >&2
rm -rf -- "$cache" /root/.cache/node-gyp /root/.npm

# Which platform and Node ABI the native modules are for: tallennin-update checks a box release
# against the box with it.
"$node" -p 'process.platform + "-" + process.arch + "-abi" + process.versions.modules' >PLATFORM

# --- does it run -------------------------------------------------------------------------------

"$node" dist/cli.js --help >/dev/null 2>&1 || die "'node dist/cli.js --help' fails in $release"
# Every package allowed to run install scripts (package.json's allowScripts) is a native module:
# load each, so a module built for the wrong machine fails here and not on a box.
mapfile -t natives < <("$node" -p 'Object.keys(require("./package.json").allowScripts ?? {}).join("\n")')
for m in "${natives[@]}"; do
  [ -n "$m" ] || continue
  "$node" -e 'require(process.argv[1])' "$m" || die "the native module $m does not load in $release"
  say "native module $m loads"
done

# --- the build tools go again ------------------------------------------------------------------

if ((${#added[@]})); then
  # The ALSA library the recorder needs must not leave with its -dev package.
  for lib in libasound2 libasound2t64; do
    if dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed"; then
      apt-mark manual "$lib" >/dev/null
    fi
  done
  say "purging the build tools: ${added[*]}"
  apt-get purge -y -qq --auto-remove "${added[@]}" >&2
fi
apt-get clean
say "built $(cat VERSION) for $(cat PLATFORM)"
