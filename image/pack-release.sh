#!/bin/bash
# Makes an app release tarball (image/README.md, "Releases"): what the image build installs, and
# what tallennin-update takes once it carries node_modules for the box.
#
#   image/pack-release.sh [--out DIR] [--ref REF | --worktree] [--node-modules]
#   image/pack-release.sh --from-dir RELEASE_DIR [--out DIR]
#
# The tarball holds, at its top level: package.json, package-lock.json, dist/ (npm run build),
# docs/, VERSION, and with --node-modules also node_modules/ (npm ci --omit=dev) and PLATFORM
# (e.g. linux-arm64-abi115, the native modules' platform and Node ABI).
#
#   --ref REF       build from a git commit (default HEAD), in a temporary copy: the working
#                   tree and its dist/ are not touched. VERSION is <package.json version>+g<commit>.
#   --worktree      build the working tree as it is (npm run build in the repo); VERSION gets
#                   .dirty.<UTC time> when it has uncommitted changes.
#   --node-modules  add node_modules from `npm ci --omit=dev` on THIS machine: a box release only
#                   when run on an arm64 Debian 12 / Raspberry Pi OS machine with a compiler and
#                   libasound2-dev. The image build makes the box release itself (in the arm64
#                   root) and leaves it in deploy/; this is for releases between images.
#   --from-dir DIR  pack an existing release folder as it is (the image build uses it to export
#                   the release it built inside the root).
#   --out DIR       where the tarball goes (default: the current folder).
#
# Prints the tarball's path; writes its sha256 to <tarball>.sha256 (for tallennin-update --sha256).
# TALLENNIN_VERSION sets VERSION instead.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$PWD ref=HEAD worktree=0 modules=0 from_dir=''
die() {
  printf 'pack-release: %s\n' "$*" >&2
  exit 1
}
usage() {
  sed -n '5,6p' "$0" | sed 's/^# *//' >&2
  exit 2
}
while (($#)); do
  case $1 in
    --out) out=${2:?--out DIR}; shift 2 ;;
    --ref) ref=${2:?--ref REF}; shift 2 ;;
    --worktree) worktree=1; shift ;;
    --node-modules) modules=1; shift ;;
    --from-dir) from_dir=${2:?--from-dir DIR}; shift 2 ;;
    -h | --help) usage ;;
    *) printf 'pack-release: unknown argument %s\n' "$1" >&2; usage ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# Reproducible: sorted names, root-owned, one time stamp, gzip without a name or time.
pack() {
  local dir=$1 name=$2 epoch=$3 entries=() e
  for e in package.json package-lock.json dist docs VERSION node_modules PLATFORM; do
    [ -e "$dir/$e" ] && entries+=("$e")
  done
  tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    --mode='u+rwX,go+rX,go-w' -cf - "${entries[@]}" | gzip -n -9 >"$out/$name.tmp"
  mv -f "$out/$name.tmp" "$out/$name"
  (cd "$out" && sha256sum "$name" >"$name.sha256")
  printf '%s\n' "$out/$name"
}

# --- an existing release folder ----------------------------------------------------------------

if [ -n "$from_dir" ]; then
  [ -f "$from_dir/VERSION" ] || die "$from_dir has no VERSION: not a release folder"
  [ -f "$from_dir/dist/cli.js" ] || die "$from_dir has no dist/cli.js: not a release folder"
  version=$(head -n 1 "$from_dir/VERSION")
  suffix=''
  if [ -f "$from_dir/PLATFORM" ]; then
    # linux-arm64-abi115 -> linux-arm64: the file name says the machine, PLATFORM the rest.
    suffix=-$(head -n 1 "$from_dir/PLATFORM" | sed -E 's/-abi[0-9]+$//')
  fi
  pack "$from_dir" "tallennin-$version$suffix.tar.gz" "$(stat -c %Y "$from_dir/VERSION")"
  exit 0
fi

# --- build -------------------------------------------------------------------------------------

stage=$work/release
mkdir -p "$stage"
pkg_version=$(cd "$repo" && node -p 'require("./package.json").version')

if ((worktree)); then
  src=$repo
  commit=$(git -C "$repo" rev-parse --short=12 HEAD)
  epoch=$(git -C "$repo" log -1 --format=%ct HEAD)
  version=$pkg_version+g$commit
  if [ -n "$(git -C "$repo" status --porcelain -- src docs package.json package-lock.json tsconfig.json)" ]; then
    version=$version.dirty.$(date -u +%Y%m%dT%H%M%S)
    epoch=$(date +%s)
  fi
  (cd "$repo" && npm run --silent build) >&2
else
  commit=$(git -C "$repo" rev-parse --short=12 "$ref^{commit}") || die "no such git commit: $ref"
  epoch=$(git -C "$repo" log -1 --format=%ct "$commit")
  version=$pkg_version+g$commit
  src=$work/src
  mkdir -p "$src"
  git -C "$repo" archive --format=tar "$commit" | tar -x -C "$src"
  # The build needs the dev dependencies (TypeScript, types) and no native module: the repo's
  # own node_modules serve when the lock file is the same, otherwise a script-less npm ci.
  if [ -d "$repo/node_modules" ] && cmp -s "$repo/package-lock.json" "$src/package-lock.json"; then
    ln -s "$repo/node_modules" "$src/node_modules"
  else
    (cd "$src" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=warn) >&2
  fi
  (cd "$src" && npm run --silent build) >&2
fi
version=${TALLENNIN_VERSION:-$version}
[[ $version =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$ ]] || die "'$version' is not a usable version (letters, digits, . + _ -)"

cp -a "$src/package.json" "$src/package-lock.json" "$src/dist" "$src/docs" "$stage/"
printf '%s\n' "$version" >"$stage/VERSION"
[ -f "$stage/dist/cli.js" ] || die "the build made no dist/cli.js"

name=tallennin-$version.tar.gz
if ((modules)); then
  (cd "$stage" && npm ci --omit=dev --no-audit --no-fund --loglevel=warn) >&2
  platform=$(node -p 'process.platform + "-" + process.arch + "-abi" + process.versions.modules')
  printf '%s\n' "$platform" >"$stage/PLATFORM"
  name=tallennin-$version-${platform%-abi*}.tar.gz
fi
pack "$stage" "$name" "$epoch"
