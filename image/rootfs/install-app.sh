#!/bin/bash
# Unpacks an app release into a root file system being built, as the image's own release:
# ROOTFS/usr/lib/tallennin/releases/<VERSION>/ (image/LAYOUT.md). Host side: the pi-gen stage
# (02-app/00-run.sh) and image/test/rootfs-test.sh run it. Its node_modules are then built
# INSIDE the root by build-app.sh, which this copies to ROOTFS/usr/lib/tallennin/build/, so the
# native modules are compiled for the box's own architecture and libraries.
#
#   install-app.sh ROOTFS RELEASE.tar.gz
#
# RELEASE.tar.gz is image/pack-release.sh's tarball (package.json, package-lock.json, dist/,
# docs/, VERSION; no node_modules).
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit
# What is unpacked or built here must be readable by the recorder's user, whatever umask the
# caller (sudo, a chroot) brings.
umask 022

rootfs=${1:?usage: install-app.sh ROOTFS RELEASE.tar.gz}
tarball=${2:?usage: install-app.sh ROOTFS RELEASE.tar.gz}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { printf 'install-app: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
[ -d "$rootfs/usr" ] || die "$rootfs does not look like a root file system (no usr/)"
[ -f "$tarball" ] || die "no such release tarball: $tarball"

releases=$rootfs/usr/lib/tallennin/releases
install -d -m 0755 "$releases"
incoming=$(mktemp -d "$releases/.incoming.XXXXXX")
trap 'rm -rf -- "$incoming"' EXIT
tar -xzf "$tarball" -C "$incoming" --no-same-owner --no-same-permissions
[ -f "$incoming/VERSION" ] || die "$tarball has no VERSION: not a tallennin release"
version=$(head -n 1 "$incoming/VERSION")
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || die "$tarball's VERSION '$version' is not a version"
for f in package.json package-lock.json dist/cli.js; do
  [ -e "$incoming/$f" ] || die "$tarball has no $f"
done
[ ! -e "$incoming/node_modules" ] || die "$tarball already has node_modules: the image builds its own inside the root"

# One release in the image: an earlier build's is replaced.
find "$releases" -mindepth 1 -maxdepth 1 ! -name "$(basename "$incoming")" -exec rm -rf -- {} +
chmod 0755 "$incoming"
mv -T "$incoming" "$releases/$version"
trap - EXIT

install -d -m 0755 "$rootfs/usr/lib/tallennin/build"
install -m 0755 "$here/build-app.sh" "$rootfs/usr/lib/tallennin/build/build-app.sh"
printf 'TALLENNIN_RELEASE=%q\n' "/usr/lib/tallennin/releases/$version" >"$rootfs/usr/lib/tallennin/build/app.env"
say "unpacked $version into /usr/lib/tallennin/releases/$version; next, inside the root: /usr/lib/tallennin/build/build-app.sh"
