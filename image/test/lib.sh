# shellcheck shell=bash
# Sourced, not run: the steps the by-hand image tests share (image/README.md, "Testing the stage
# without a Pi"). image/test/rootfs-test.sh checks the root file system the stage leaves;
# image/test/vm-test.sh boots the same root under systemd in a VM. Both must build it the same
# way, or the VM would test something the stage does not make.
#
# The caller sets `set -euo pipefail` and `shopt -s inherit_errexit`, and these globals:
#   repo     the repository's top folder
#   work     a temporary folder of its own (keys, the Node tarball, releases go here)
#   root     where the root file system is made
#   started  $SECONDS at the start (for the times say prints)
# and gets: mounted (what bind/chroot_binds mounted, for unmount_all), release_dir and
# box_release (after stage_node_and_app), passed and failed (check's counters). extra_packages
# (empty here) are installed into the root besides the stage's own.
# shellcheck disable=SC2154 # repo, work, root and started are the caller's

mounted=()
extra_packages=()
passed=0
failed=0

say() { printf '\n== %s (%d s)\n' "$*" "$((SECONDS - started))"; }

# Mounts something at a path inside the root, and remembers it for unmount_all.
bind() {
  mkdir -p "$root$1"
  mount "${@:2}" "$root$1"
  mounted+=("$root$1")
}

# Everything bind mounted, newest first; lazily if it is busy. Returns 1 if something is still
# mounted under the root afterwards: the caller must then not remove the root, since rm would go
# through a /dev bind mount into this machine's /dev.
unmount_all() {
  local i m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m=${mounted[i]}
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  mounted=()
  if [ -d "$root" ] && findmnt -R -n -o TARGET "$root" 2>/dev/null | grep -q .; then
    return 1
  fi
  return 0
}

# /proc, /sys, /dev for what runs in the root's chroot (apt, npm, node-gyp), and this machine's
# resolv.conf for the registries.
chroot_binds() {
  bind /proc -t proc proc
  bind /sys --bind /sys
  bind /dev --bind /dev
  bind /dev/pts --bind /dev/pts
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}

# A Debian bookworm root of this machine's architecture, as pi-gen's stage2 would leave it for our
# stage: the stage's package list (00-packages) and the parts of Raspberry Pi OS Lite the stage
# relies on (systemd, sshd, sudo), plus extra_packages; then what pi-gen's stages
# 1 and 2 do that our stage depends on: the technician's account with a (throwaway) password and
# an SSH key ($work/technician-key, its private half), the boot files, fstab; and a unit our stage
# turns off. The boot files name the root PARTUUID=abcdef01-02 (the boot partition -01), as a
# Raspberry Pi OS image does: a disk with MBR label-id 0xabcdef01 matches them.
make_root() {
  local packages extra
  mapfile -t packages < <(sed -e 's/#.*//' "$repo/image/stage-tallennin/00-system/00-packages" | tr -s ' \t' '\n' | grep .)
  packages+=(systemd systemd-sysv openssh-server sudo ca-certificates "${extra_packages[@]}")
  extra=$(
    IFS=,
    echo "${packages[*]}"
  )
  say "mmdebstrap: Debian bookworm ($(dpkg --print-architecture)) into $root"
  mmdebstrap --quiet --variant=apt --include="$extra" bookworm "$root" http://deb.debian.org/debian

  chroot "$root" useradd --create-home --shell /bin/bash technician
  echo "technician:$(head -c 16 /dev/urandom | base64)" | chroot "$root" chpasswd
  install -d -m 0700 "$root/home/technician/.ssh"
  ssh-keygen -q -t ed25519 -N '' -C tallennin-image-test -f "$work/technician-key"
  install -m 0600 "$work/technician-key.pub" "$root/home/technician/.ssh/authorized_keys"
  chroot "$root" chown -R technician:technician /home/technician/.ssh
  install -d "$root/boot/firmware"
  printf '# Raspberry Pi OS config.txt (stand-in)\narm_64bit=1\n' >"$root/boot/firmware/config.txt"
  echo 'console=serial0,115200 console=tty1 root=PARTUUID=abcdef01-02 rootfstype=ext4 fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot resize' >"$root/boot/firmware/cmdline.txt"
  printf 'proc /proc proc defaults 0 0\nPARTUUID=abcdef01-01 /boot/firmware vfat defaults 0 2\nPARTUUID=abcdef01-02 / ext4 defaults,noatime 0 1\n' >"$root/etc/fstab"
  printf '[Unit]\nDescription=stand-in for Raspberry Pi OS swap file\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n' >"$root/lib/systemd/system/dphys-swapfile.service"
  chroot "$root" systemctl enable dphys-swapfile.service
}

# 00-system: install-system.sh on the host side, then configure-system.sh in the chroot. Twice
# install-system.sh: a second run must not add anything twice (rootfs-test checks that it did not).
stage_system() {
  say "00-system: install-system.sh (host side), twice: it must not add things twice"
  TALLENNIN_TECH_USER=technician "$repo/image/rootfs/install-system.sh" "$root"
  TALLENNIN_TECH_USER=technician "$repo/image/rootfs/install-system.sh" "$root"
  say "00-system: configure-system.sh (in the chroot)"
  chroot "$root" bash /usr/lib/tallennin/build/configure-system.sh </dev/null
}

# 01-node, 02-app and 03-finish, as pi-gen runs them; needs chroot_binds. Sets release_dir (the
# image's release, host path) and box_release (its tarball with node_modules, in $work).
stage_node_and_app() {
  say "01-node: install-node.sh"
  if [ -z "${NODE_TARBALL:-}" ]; then
    # The installed Node, laid out as an official tarball: bin/node, bin/npm,
    # lib/node_modules/npm, include/node (node-gyp's headers).
    local version arch npm_dir name
    version=$(node -p 'process.versions.node')
    [ "${version%%.*}" = 20 ] || { echo "image test: this machine has Node $version; give NODE_TARBALL (Node 20)" >&2; return 1; }
    arch=$(node -p 'process.arch')
    npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
    name=node-v$version-linux-$arch
    mkdir -p "$work/node/$name/bin" "$work/node/$name/lib/node_modules" "$work/node/$name/include"
    cp "$(readlink -f "$(command -v node)")" "$work/node/$name/bin/node"
    cp -a "$npm_dir" "$work/node/$name/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/$name/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/$name/bin/npx"
    if [ -d /usr/include/node ]; then cp -a /usr/include/node "$work/node/$name/include/node"; fi
    tar -C "$work/node" -cJf "$work/node/$name.tar.xz" "$name"
    export NODE_TARBALL=$work/node/$name.tar.xz NODE_ARCH=$arch NODE_VERSION=$version
    NODE_SHA256=$(sha256sum "$NODE_TARBALL" | cut -d' ' -f1)
    export NODE_SHA256
  fi
  "$repo/image/rootfs/install-node.sh" "$root"

  say "02-app: pack-release.sh, install-app.sh (host side)"
  local release_tarball
  release_tarball=$("$repo/image/pack-release.sh" --out "$work/release")
  "$repo/image/rootfs/install-app.sh" "$root" "$release_tarball"
  say "02-app: build-app.sh (in the chroot: npm ci --omit=dev)"
  # Behind a TLS-inspecting proxy this machine's Node trusts an extra CA (NODE_EXTRA_CA_CERTS);
  # npm in the root needs the same to reach the registry.
  local ca_env=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    cp "$NODE_EXTRA_CA_CERTS" "$root/usr/lib/tallennin/build/extra-ca.pem"
    ca_env=(NODE_EXTRA_CA_CERTS=/usr/lib/tallennin/build/extra-ca.pem)
  fi
  chroot "$root" env "${ca_env[@]}" bash /usr/lib/tallennin/build/build-app.sh </dev/null

  say "03-finish: the box release out of the root"
  # shellcheck disable=SC2034 # for the caller's checks
  release_dir=$(find "$root/usr/lib/tallennin/releases" -mindepth 1 -maxdepth 1 -type d)
  # shellcheck disable=SC2034 # for the caller's checks
  box_release=$("$repo/image/pack-release.sh" --from-dir "$release_dir" --out "$work/box-release")
  rm -rf "$root/usr/lib/tallennin/build"
}

# check NAME COMMAND...: runs the command, prints PASS or FAIL with its output, and counts.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    printf 'PASS  %s\n' "$what"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s\n' "$what"
    printf '      %s\n' "${out:-(no output)}"
  fi
}
