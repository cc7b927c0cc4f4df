#!/bin/bash
# Installs Node.js 20 into a root file system being built (image/LAYOUT.md, "Programs"): the
# official tarball unpacked to /usr/local/lib/nodejs/node-v<version>-linux-<arch>/, and
# /usr/bin/node a symlink to its bin/node. Host side: the pi-gen stage (01-node/00-run.sh) and
# image/test/rootfs-test.sh run it with the root file system's folder as the argument.
#
#   install-node.sh ROOTFS
#
# Without NODE_TARBALL it downloads the pinned linux-arm64 tarball from nodejs.org and checks
# its pinned sha256. With NODE_TARBALL=PATH (offline builds, tests) it takes that file instead,
# which must match NODE_SHA256 if given, and the pinned sha256 if it is the pinned tarball's
# name; any other file needs NODE_SHA256. NODE_ARCH (default arm64) names the tarball's
# architecture, for a test root of the host's architecture.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

# Node 20: the pinned release and the sha256 of node-v20.20.2-linux-arm64.tar.xz from
# https://nodejs.org/dist/v20.20.2/SHASUMS256.txt. To move to a newer 20.x, change both.
pinned_version=20.20.2
pinned_sha256=73093db209e4e9e09dd7d15a47aeaab1b74833830df03efa5f942a1122c5fa71

rootfs=${1:?usage: install-node.sh ROOTFS}
[ -d "$rootfs/usr" ] || { echo "install-node.sh: $rootfs does not look like a root file system (no usr/)" >&2; exit 1; }
version=${NODE_VERSION:-$pinned_version}
arch=${NODE_ARCH:-arm64}
name=node-v$version-linux-$arch
say() { printf 'install-node: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

if [ -n "${NODE_TARBALL:-}" ]; then
  [ -f "$NODE_TARBALL" ] || die "NODE_TARBALL=$NODE_TARBALL is not a file"
  tarball=$NODE_TARBALL
  if [ -n "${NODE_SHA256:-}" ]; then
    want=$NODE_SHA256
  elif [ "$(basename "$tarball")" = "node-v$pinned_version-linux-arm64.tar.xz" ]; then
    want=$pinned_sha256
  else
    die "NODE_TARBALL=$tarball is not the pinned node-v$pinned_version-linux-arm64.tar.xz: give its sha256 in NODE_SHA256"
  fi
else
  if [ "$version" != "$pinned_version" ] || [ "$arch" != arm64 ]; then
    die "only the pinned node-v$pinned_version-linux-arm64 is downloaded; for another, give NODE_TARBALL and NODE_SHA256"
  fi
  tarball=$work/$name.tar.xz
  say "downloading https://nodejs.org/dist/v$version/$name.tar.xz"
  curl -fsSL --retry 3 -o "$tarball" "https://nodejs.org/dist/v$version/$name.tar.xz"
  want=$pinned_sha256
fi

have=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$have" = "$want" ] || die "sha256 of $tarball is $have, expected $want: refusing it"

dest=$rootfs/usr/local/lib/nodejs
install -d -m 0755 "$dest"
rm -rf -- "${dest:?}/$name"
tar -xf "$tarball" -C "$dest" --no-same-owner
[ -x "$dest/$name/bin/node" ] || die "$tarball has no $name/bin/node"
ln -sfn "/usr/local/lib/nodejs/$name/bin/node" "$rootfs/usr/bin/node"
say "installed $name: /usr/bin/node -> /usr/local/lib/nodejs/$name/bin/node"
