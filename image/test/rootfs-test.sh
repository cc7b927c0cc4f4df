#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# By hand, not in CI (image/README.md, "Testing the stage without a Pi"): runs the image stage's
# own scripts on a Debian bookworm root of THIS machine's architecture, made with mmdebstrap in a
# folder, and checks what they left. The pi-gen build does the same on Raspberry Pi OS for
# arm64; this catches what does not depend on the Pi: users, units, firewall, journald, watchdog,
# sshd, fstab, the boot files, Node and the app with native modules built inside the root.
#
#   sudo image/test/rootfs-test.sh [--keep] [DIR]
#
#   DIR     where the root is made (default: a new folder under /var/tmp); about 1.5 GB
#   --keep  leave the root there afterwards (it is removed otherwise)
#
# Needs root, mmdebstrap, nft, the Debian archive and the npm registry (npm ci runs inside the
# root; an extra CA this machine's Node trusts through NODE_EXTRA_CA_CERTS is passed on). Node: a tarball of this machine's Node 20 is made from the installed one, unless
# NODE_TARBALL (with NODE_SHA256 and NODE_ARCH, e.g. x64) names an official one. Takes about
# 5 minutes, most of it mmdebstrap and npm ci.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
keep=0
root=''
for a in "$@"; do
  case $a in
    --keep) keep=1 ;;
    -h | --help) sed -n '8,11p' "$0" | sed 's/^# *//'; exit 0 ;;
    -*) echo "rootfs-test: unknown option $a" >&2; exit 2 ;;
    *) root=$a ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "rootfs-test: run as root (it makes a root file system and chroots into it)" >&2; exit 1; }
for c in mmdebstrap nft sha256sum; do
  command -v "$c" >/dev/null || { echo "rootfs-test: $c is needed (apt-get install mmdebstrap nftables)" >&2; exit 1; }
done

started=$SECONDS
work=$(mktemp -d /var/tmp/tallennin-rootfs-test.XXXXXX)
root=${root:-$work/root}
# The steps shared with vm-test.sh: make_root, the stage, check.
# shellcheck source=lib.sh
. "$repo/image/test/lib.sh"

cleanup() {
  if ! unmount_all; then
    echo "rootfs-test: something is still mounted under $root: not removing it" >&2
    return
  fi
  if ((keep)); then
    echo "rootfs-test: the root is left in $root"
    rm -rf -- "$work/node" "$work/release" "$work/box-release"
  else
    rm -rf -- "$work" "$root"
  fi
}
trap cleanup EXIT

# --- a Debian bookworm root, as pi-gen's stage2 would leave it for our stage -------------------

make_root
chroot_binds

# --- the stage, step by step as pi-gen runs it -------------------------------------------------

stage_system
stage_node_and_app

# --- checks ------------------------------------------------------------------------------------

say "checks"
in_root() { chroot "$root" "$@"; }
has_line() { grep -qxF -- "$2" "$root$1"; }

check "user tallennin: a system user with no shell and no home" \
  bash -c "entry=\$(chroot '$root' getent passwd tallennin) && [[ \$entry =~ ^tallennin:x:([0-9]+):[0-9]+:[^:]*:/nonexistent:/usr/sbin/nologin\$ ]] && ((BASH_REMATCH[1] < 1000)) && [ ! -e '$root/nonexistent' ]"
check "user tallennin: in groups tallennin, audio, dialout" \
  bash -c "g=\$(chroot '$root' id -nG tallennin) && [[ \" \$g \" == *' tallennin '* && \" \$g \" == *' audio '* && \" \$g \" == *' dialout '* ]]"
check "technician: no password ('*'), root none either" \
  bash -c "chroot '$root' getent shadow technician | cut -d: -f2 | grep -qx '[*]' && chroot '$root' getent shadow root | cut -d: -f2 | grep -qx '[*]'"
check "technician: sudo without a password, and visudo accepts the sudoers" \
  bash -c "grep -qx 'technician ALL=(ALL) NOPASSWD: ALL' '$root/etc/sudoers.d/010_tallennin-technician' && chroot '$root' visudo -cq"
check "units enabled: tallennin-firstboot, tallennin-recorder (wants links)" \
  bash -c "[ \"\$(readlink '$root/etc/systemd/system/multi-user.target.wants/tallennin-recorder.service')\" = /etc/systemd/system/tallennin-recorder.service ] && [ \"\$(readlink '$root/etc/systemd/system/multi-user.target.wants/tallennin-firstboot.service')\" = /etc/systemd/system/tallennin-firstboot.service ]"
check "units enabled: systemctl is-enabled says so, nftables too" \
  in_root systemctl is-enabled tallennin-firstboot.service tallennin-recorder.service nftables.service
check "dphys-swapfile is disabled" \
  bash -c "! chroot '$root' systemctl is-enabled --quiet dphys-swapfile.service"
check "units: systemd-analyze verify accepts ours, and nftables and ssh with our drop-ins" \
  in_root systemd-analyze verify --man=no tallennin-recorder.service tallennin-firstboot.service nftables.service ssh.service
check "firewall: nft -c of the installed /etc/nftables.conf (no firewall.nft: the closed base)" \
  in_root nft -c -f /etc/nftables.conf
cp "$repo/image/files/firewall.example.nft" "$root/etc/tallennin/firewall.nft"
check "firewall: nft -c with the example firewall.nft in /etc/tallennin" \
  in_root nft -c -f /etc/nftables.conf
rm -f "$root/etc/tallennin/firewall.nft"
check "firewall: nftables.service loads it through firewall-load, after /etc/tallennin (drop-in)" \
  bash -c "d='$root/etc/systemd/system/nftables.service.d/tallennin.conf'; grep -qx 'ExecStart=/usr/lib/tallennin/firewall-load /etc/nftables.conf' \"\$d\" && grep -qx 'After=etc-tallennin.mount' \"\$d\" && grep -qx 'Wants=etc-tallennin.mount' \"\$d\" && [ -x '$root/usr/lib/tallennin/firewall-load' ]"
check "journald: persistent, 64M, 8M files, a month" \
  bash -c "has() { grep -qx \"\$1\" '$root/etc/systemd/journald.conf.d/tallennin.conf'; }; has Storage=persistent && has SystemMaxUse=64M && has SystemMaxFileSize=8M && has MaxRetentionSec=1month && has RuntimeMaxUse=16M"
check "watchdog: RuntimeWatchdogSec=15, RebootWatchdogSec=2min, dtparam=watchdog=on" \
  bash -c "grep -qx RuntimeWatchdogSec=15 '$root/etc/systemd/system.conf.d/watchdog.conf' && grep -qx RebootWatchdogSec=2min '$root/etc/systemd/system.conf.d/watchdog.conf' && [ \"\$(grep -cx dtparam=watchdog=on '$root/boot/firmware/config.txt')\" = 1 ]"
check "cmdline.txt: no resize, no init=.../firstboot, still one line with root=" \
  bash -c "c=\$(cat '$root/boot/firmware/cmdline.txt'); [ \"\$(wc -l <'$root/boot/firmware/cmdline.txt')\" = 1 ] && [[ \$c == *root=PARTUUID=abcdef01-02* && \$c != *resize* && \$c != *init=* ]]"
check "fstab: the data partition and three bind mounts, once, after the image's own lines" \
  bash -c "[ \"\$(grep -c '^# >>> tallennin >>>' '$root/etc/fstab')\" = 1 ] && grep -q '^PARTUUID=abcdef01-02 / ' '$root/etc/fstab' && grep -qE '^LABEL=TALLENNIN-DATA +/srv/tallennin +ext4 +[^ ]*nofail' '$root/etc/fstab' && [ \"\$(grep -cE '^/srv/tallennin/(state|etc|journal) +/(var/lib/tallennin|etc/tallennin|var/log/journal) +none +bind,nofail,x-systemd.requires-mounts-for=/srv/tallennin ' '$root/etc/fstab')\" = 3 ]"
check "mount points exist in the root: /srv/tallennin, /var/lib/tallennin, /etc/tallennin (root:tallennin 0750), /var/log/journal" \
  bash -c "[ -d '$root/srv/tallennin' ] && [ -d '$root/var/lib/tallennin' ] && [ -d '$root/var/log/journal' ] && [ \"\$(chroot '$root' stat -c '%U:%G %a' /etc/tallennin)\" = 'root:tallennin 750' ]"
install -d -m 0700 "$root/srv/tallennin/ssh"
# ssh.service makes /run/sshd on a box (RuntimeDirectory=); sshd -t wants it too.
install -d -m 0755 "$root/run/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$root/srv/tallennin/ssh/ssh_host_ed25519_key"
ssh-keygen -q -t rsa -b 3072 -N '' -f "$root/srv/tallennin/ssh/ssh_host_rsa_key"
check "sshd: sshd -t accepts the config (with host keys on /srv/tallennin/ssh)" \
  in_root /usr/sbin/sshd -t
check "sshd: keys only, no root, host keys from /srv/tallennin/ssh only" \
  bash -c "t=\$(chroot '$root' /usr/sbin/sshd -T 2>/dev/null); grep -qx 'passwordauthentication no' <<<\"\$t\" && grep -qx 'kbdinteractiveauthentication no' <<<\"\$t\" && grep -qx 'permitrootlogin no' <<<\"\$t\" && grep -qx 'authenticationmethods publickey' <<<\"\$t\" && grep -qx 'authorizedkeysfile .ssh/authorized_keys /srv/tallennin/authorized_keys/%u' <<<\"\$t\" && [ \"\$(grep '^hostkey ' <<<\"\$t\" | sort | tr '\n' ' ')\" = 'hostkey /srv/tallennin/ssh/ssh_host_ed25519_key hostkey /srv/tallennin/ssh/ssh_host_rsa_key ' ]"
rm -rf "$root/srv/tallennin/ssh"
check "ssh.service waits for the data partition and first boot (drop-in)" \
  bash -c "d='$root/etc/systemd/system/ssh.service.d/tallennin.conf'; grep -qx 'RequiresMountsFor=/srv/tallennin/ssh' \"\$d\" && grep -qx 'After=tallennin-firstboot.service' \"\$d\""
check "udev: the LED rule is installed" \
  cmp "$repo/image/udev/99-tallennin-leds.rules" "$root/etc/udev/rules.d/99-tallennin-leds.rules"
check "programs: firstboot, firewall-load, tallennin-update installed and executable" \
  bash -c "[ -x '$root/usr/lib/tallennin/firstboot' ] && [ -x '$root/usr/lib/tallennin/firewall-load' ] && [ -x '$root/usr/local/sbin/tallennin-update' ]"
check "node: /usr/bin/node -> /usr/local/lib/nodejs/..., Node 20" \
  bash -c "[[ \$(readlink '$root/usr/bin/node') == /usr/local/lib/nodejs/node-v20.*/bin/node ]] && chroot '$root' /usr/bin/node --version | grep -q '^v20\\.'"
check "/opt/tallennin -> /srv/tallennin/app/current" \
  bash -c "[ \"\$(readlink '$root/opt/tallennin')\" = /srv/tallennin/app/current ]"
check "the image's release: package.json, package-lock.json, dist/, docs/, VERSION, node_modules, PLATFORM" \
  bash -c "r='$release_dir'; for f in package.json package-lock.json dist/cli.js docs VERSION node_modules PLATFORM; do [ -e \"\$r/\$f\" ] || { echo \"missing \$f\"; exit 1; }; done"
check "build tools purged (build-essential, cmake, libasound2-dev), libasound2 kept" \
  bash -c "for p in build-essential cmake libasound2-dev; do ! chroot '$root' dpkg-query -W -f='\${Status}' \$p 2>/dev/null | grep -q 'install ok installed' || { echo \"\$p is still installed\"; exit 1; }; done; chroot '$root' dpkg-query -W -f='\${Status}' libasound2 | grep -q 'install ok installed'"
# As first boot would: the data partition's app/current points at the image's release.
install -d "$root/srv/tallennin/app"
ln -sfn "/usr/lib/tallennin/releases/$(basename "$release_dir")" "$root/srv/tallennin/app/current"
check "the app runs: node /opt/tallennin/dist/cli.js --help" \
  in_root /usr/bin/node /opt/tallennin/dist/cli.js --help
check "the app runs as user tallennin, and its native modules load" \
  bash -c "cd / && chroot --userspec=tallennin:tallennin '$root' /usr/bin/node /opt/tallennin/dist/cli.js --help >/dev/null && for m in alsa-capture audify classic-level @serialport/bindings-cpp; do chroot --userspec=tallennin:tallennin '$root' /bin/sh -c \"cd /opt/tallennin && /usr/bin/node -e 'require(process.argv[1])' \$m\" || { echo \"\$m does not load\"; exit 1; }; done"
check "the box release tarball: node_modules and PLATFORM for this machine" \
  bash -c "tar -tzf '$box_release' | grep -qx PLATFORM && tar -tzf '$box_release' | grep -q '^node_modules/' && [ \"\$(tar -xzOf '$box_release' PLATFORM)\" = \"\$(chroot '$root' /usr/bin/node -p 'process.platform + \"-\" + process.arch + \"-abi\" + process.versions.modules')\" ]"
check "no build leftovers in the root (/usr/lib/tallennin/build, npm caches)" \
  bash -c "[ ! -e '$root/usr/lib/tallennin/build' ] && [ ! -e '$root/root/.npm' ] && ! ls -d '$root'/var/tmp/tallennin-npm-cache.* 2>/dev/null"

# First boot's layout step, in the root, with a tmpfs standing in for the data partition (the
# partition step is never run here: it would look for the disk of this machine's own root).
say "first boot's layout step, on a tmpfs as the data partition"
bind /srv/tallennin -t tmpfs -o size=64m,mode=0755 tmpfs
layout() { chroot "$root" /usr/lib/tallennin/firstboot layout </dev/null; }
check "firstboot layout runs" layout
for m in /var/lib/tallennin /etc/tallennin /var/log/journal; do
  if mountpoint -q "$root$m"; then mounted+=("$root$m"); fi
done
check "firstboot layout: the data partition's folders with LAYOUT.md's owners and modes" \
  bash -c "for want in 'state tallennin:tallennin 700' 'etc root:tallennin 750' 'journal root:systemd-journal 2755' 'ssh root:root 700' 'app root:root 755' 'app/releases root:root 755' 'authorized_keys root:root 755'; do set -- \$want; have=\$(chroot '$root' stat -c '%U:%G %a' /srv/tallennin/\$1) && [ \"\$have\" = \"\$2 \$3\" ] || { echo \"\$1 is \$have, not \$2 \$3\"; exit 1; }; done"
check "firstboot layout: /var/lib/tallennin, /etc/tallennin, /var/log/journal are bind mounts of it" \
  bash -c "for m in state:/var/lib/tallennin etc:/etc/tallennin journal:/var/log/journal; do chroot '$root' mountpoint -q \${m#*:} || { echo \"\${m#*:} is not mounted\"; exit 1; }; touch '$root/srv/tallennin/'\${m%%:*}/.probe && [ -e '$root'\${m#*:}/.probe ] && rm '$root/srv/tallennin/'\${m%%:*}/.probe || { echo \"\${m#*:} is not /srv/tallennin/\${m%%:*}\"; exit 1; }; done"
check "firstboot layout: SSH host keys on the data partition, app/current at the image's release" \
  bash -c "[ -s '$root/srv/tallennin/ssh/ssh_host_ed25519_key' ] && [ -s '$root/srv/tallennin/ssh/ssh_host_rsa_key' ] && [ \"\$(readlink '$root/srv/tallennin/app/current')\" = /usr/lib/tallennin/releases/$(basename "$release_dir") ] && chroot '$root' /usr/bin/node /opt/tallennin/dist/cli.js --help >/dev/null"
snapshot() { (cd "$root/srv/tallennin" && find . -printf '%p %U:%G %m %l\n' | sort && sha256sum ssh/*); }
before=$(snapshot)
check "firstboot layout: a second run changes nothing" \
  bash -c "chroot '$root' /usr/lib/tallennin/firstboot layout </dev/null >/dev/null 2>&1 && [ \"\$1\" = \"\$(cd '$root/srv/tallennin' && find . -printf '%p %U:%G %m %l\n' | sort && sha256sum ssh/*)\" ]" _ "$before"
for m in /var/log/journal /etc/tallennin /var/lib/tallennin /srv/tallennin; do
  umount "$root$m" 2>/dev/null || true
done

say "done"
echo "$passed checks passed, $failed failed; $(du -shx "$root" | cut -f1) root; $((SECONDS - started)) s in all"
echo "box release: $(basename "$box_release") ($(du -h "$box_release" | cut -f1))"
((failed == 0))
