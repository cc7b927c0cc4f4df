#!/bin/bash
# Builds the box's SD card image: Raspberry Pi OS Lite (bookworm, arm64) with tallennin, made by
# pi-gen (the Raspberry Pi project's own image builder) with one stage of ours after stage2.
# image/README.md says how long it takes, what comes out, and how to flash and provision it.
#
#   image/build.sh --ssh-key FILE [--user NAME] [--hostname NAME] [--release TARBALL]
#                  [--work DIR] [--out DIR] [--native]
#
#   --ssh-key FILE   the technician's SSH public key(s) (an authorized_keys file): the only way
#                    into a box. The account has no password.
#   --user NAME      the technician's account (default: technician)
#   --hostname NAME  the boxes' host name (default: tallennin)
#   --release FILE   the app release to install (default: packed now from HEAD by
#                    image/pack-release.sh)
#   --work DIR       where pi-gen is fetched and run (default: image/work; 15 GB or more free)
#   --out DIR        where the image and the box release are copied (default: image/deploy)
#   --native         run pi-gen's build.sh directly (as root, on Debian with pi-gen's
#                    dependencies) instead of its Docker build
#
# Needs git and the network (github.com for pi-gen, the Raspberry Pi OS and Debian archives,
# nodejs.org, the npm registry), and Docker unless --native; on an x86 machine also binfmt
# support for arm64 (qemu-user-static), which pi-gen's Docker build uses.
#
# pi-gen is pinned: PI_GEN_REF (a tag of its arm64 branch) and, once known, PI_GEN_COMMIT (the
# commit that tag must be; the build stops if it is not).
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

PI_GEN_URL=${PI_GEN_URL:-https://github.com/RPi-Distro/pi-gen.git}
# Raspberry Pi OS Lite (64-bit) of 2025-05-13, the last bookworm release of pi-gen's arm64 branch.
PI_GEN_REF=${PI_GEN_REF:-2025-05-13-raspios-bookworm-arm64}
PI_GEN_COMMIT=${PI_GEN_COMMIT:-}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ssh_key='' user=technician hostname=tallennin release='' native=0
work=$repo/image/work
out=$repo/image/deploy

say() { printf 'build: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
usage() {
  sed -n '6,7p' "$0" | sed 's/^# *//' >&2
  exit 2
}
while (($#)); do
  case $1 in
    --ssh-key) ssh_key=${2:?--ssh-key FILE}; shift 2 ;;
    --user) user=${2:?--user NAME}; shift 2 ;;
    --hostname) hostname=${2:?--hostname NAME}; shift 2 ;;
    --release) release=${2:?--release FILE}; shift 2 ;;
    --work) work=${2:?--work DIR}; shift 2 ;;
    --out) out=${2:?--out DIR}; shift 2 ;;
    --native) native=1; shift ;;
    -h | --help) usage ;;
    *) say "unknown argument $1"; usage ;;
  esac
done

# --- check what was given ----------------------------------------------------------------------

[ -n "$ssh_key" ] || die "give the technician's SSH public key with --ssh-key FILE: a box has no passwords, the key is the only way in"
[ -r "$ssh_key" ] || die "cannot read $ssh_key"
if grep -q 'PRIVATE KEY' "$ssh_key"; then
  die "$ssh_key is a private key: give the public one (.pub)"
fi
ssh-keygen -l -f "$ssh_key" >/dev/null 2>&1 || die "$ssh_key holds no SSH public key that ssh-keygen can read"
[[ $user =~ ^[a-z][-a-z0-9_]*$ ]] || die "--user '$user' is not a valid account name (pi-gen: ^[a-z][-a-z0-9_]*$)"
[[ $hostname =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "--hostname '$hostname' is not a host name (a-z, 0-9, -)"
[ -z "$release" ] || [ -f "$release" ] || die "no such release tarball: $release"
command -v git >/dev/null || die "git is needed (to fetch pi-gen)"
if ((native)); then
  [ "$(id -u)" = 0 ] || die "--native runs pi-gen's build.sh, which must run as root"
else
  command -v docker >/dev/null || die "docker is needed for pi-gen's Docker build (or use --native on Debian as root)"
fi

mkdir -p "$work" "$out"
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)
case $work in *' '*) die "pi-gen cannot build in a path with spaces: $work" ;; esac

# --- pi-gen, at the pinned tag -----------------------------------------------------------------

pigen=$work/pi-gen
if [ ! -d "$pigen/.git" ]; then
  say "fetching pi-gen $PI_GEN_REF from $PI_GEN_URL"
  git -c advice.detachedHead=false clone --quiet --depth 1 --branch "$PI_GEN_REF" "$PI_GEN_URL" "$pigen" ||
    die "could not fetch pi-gen $PI_GEN_REF (is $PI_GEN_URL reachable, and is the tag right?)"
fi
have=$(git -C "$pigen" rev-parse HEAD)
tagged=$(git -C "$pigen" rev-parse "refs/tags/$PI_GEN_REF^{commit}" 2>/dev/null || true)
[ "$have" = "$tagged" ] || die "$pigen is not at pi-gen $PI_GEN_REF (HEAD $have): remove it and run again"
if [ -n "$PI_GEN_COMMIT" ] && [ "$have" != "$PI_GEN_COMMIT" ]; then
  die "pi-gen $PI_GEN_REF is commit $have, not the pinned $PI_GEN_COMMIT: the tag moved; check it before building"
fi
say "pi-gen $PI_GEN_REF is commit $have${PI_GEN_COMMIT:+ (as pinned)}"
# Only our stage, config and markers are added: pi-gen's own files stay as the tag has them.
git -C "$pigen" diff --quiet HEAD || die "$pigen has local changes to pi-gen's own files: remove it and run again"

# --- the app release ---------------------------------------------------------------------------

if [ -z "$release" ]; then
  say "packing the app release from HEAD"
  release=$("$repo/image/pack-release.sh" --out "$work")
fi

# --- our stage, with what its scripts need next to it ------------------------------------------

stage=$pigen/stage-tallennin
rm -rf "$stage"
cp -a "$repo/image/stage-tallennin" "$stage"
files=$stage/files
mkdir -p "$files/repo/image" "$files/repo/systemd"
cp -a "$repo/image/rootfs" "$repo/image/files" "$repo/image/udev" "$repo/image/pack-release.sh" "$files/repo/image/"
cp -a "$repo/systemd/tallennin-recorder.service" "$repo/systemd/tallennin-firstboot.service" "$files/repo/systemd/"
cp "$release" "$files/tallennin-release.tar.gz"
# pi-gen runs every folder of a stage as a substage: files/ is none.
touch "$files/SKIP"
# Only our stage makes an image, not stage2 (the plain Lite image) too.
touch "$pigen/stage2/SKIP_IMAGES"

# --- pi-gen's config ---------------------------------------------------------------------------

# pi-gen refuses DISABLE_FIRST_BOOT_USER_RENAME=1 without FIRST_USER_PASS. It gets a random one
# that nobody learns, and our stage replaces it with "*" (no password can match): see
# image/rootfs/configure-system.sh.
throwaway=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
config=$pigen/config
umask 077
{
  echo "# Written by tallennin's image/build.sh; remade on every build."
  printf 'IMG_NAME=%q\n' tallennin
  printf 'RELEASE=%q\n' bookworm
  printf 'DEPLOY_COMPRESSION=%q\n' xz
  printf 'TARGET_HOSTNAME=%q\n' "$hostname"
  printf 'LOCALE_DEFAULT=%q\n' "${LOCALE_DEFAULT:-en_GB.UTF-8}"
  printf 'TIMEZONE_DEFAULT=%q\n' "${TIMEZONE_DEFAULT:-Europe/Helsinki}"
  printf 'KEYBOARD_KEYMAP=%q\n' "${KEYBOARD_KEYMAP:-fi}"
  printf 'KEYBOARD_LAYOUT=%q\n' "${KEYBOARD_LAYOUT:-Finnish}"
  printf 'FIRST_USER_NAME=%q\n' "$user"
  printf 'FIRST_USER_PASS=%q\n' "$throwaway"
  printf 'DISABLE_FIRST_BOOT_USER_RENAME=%q\n' 1
  printf 'ENABLE_SSH=%q\n' 1
  printf 'PUBKEY_SSH_FIRST_USER=%q\n' "$(cat "$ssh_key")"
  printf 'PUBKEY_ONLY_SSH=%q\n' 1
  printf 'STAGE_LIST=%q\n' "stage0 stage1 stage2 stage-tallennin"
} >"$config"
umask 022
trap 'rm -f "$config"' EXIT

# --- build -------------------------------------------------------------------------------------

say "building (pi-gen's log: $pigen/work/tallennin/build.log; this takes the better part of an hour)"
started=$SECONDS
cd "$pigen"
if ((native)); then
  ./build.sh -c "$config"
else
  CONTAINER_NAME=${CONTAINER_NAME:-tallennin-pigen} PRESERVE_CONTAINER=0 ./build-docker.sh -c "$config"
fi
say "pi-gen finished in $(((SECONDS - started) / 60)) min"

shopt -s nullglob
made=("$pigen"/deploy/*tallennin*.img* "$pigen"/deploy/tallennin-*.tar.gz "$pigen"/deploy/tallennin-*.tar.gz.sha256 "$pigen"/deploy/*.info "$pigen"/deploy/build*.log)
((${#made[@]})) || die "pi-gen left nothing in $pigen/deploy"
cp -a "${made[@]}" "$out/"
(cd "$out" && for f in *tallennin*.img *tallennin*.img.xz *tallennin*.zip; do sha256sum "$f" >"$f.sha256"; done)
say "done:"
ls -l "$out" >&2
