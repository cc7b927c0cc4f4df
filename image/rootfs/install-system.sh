#!/bin/bash
# Installs tallennin's system files into a root file system being built (image/LAYOUT.md).
# Host side: run by the pi-gen stage (image/stage-tallennin/00-system/00-run.sh) and by
# image/test/rootfs-test.sh, with the root file system's folder as the argument; the part that
# must run inside it is configure-system.sh, which this copies to ROOTFS/usr/lib/tallennin/build/.
#
#   install-system.sh ROOTFS
#
# Environment: TALLENNIN_TECH_USER, the technician's account (pi-gen's FIRST_USER_NAME), passed
# on to configure-system.sh.
#
# Files come from this repository (or the copy of its parts the image build puts next to the
# stage): image/files/, image/udev/, image/rootfs/ and systemd/.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

rootfs=${1:?usage: install-system.sh ROOTFS}
[ -d "$rootfs/etc" ] || { echo "install-system.sh: $rootfs does not look like a root file system (no etc/)" >&2; exit 1; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
files=$repo/image/files

need() {
  [ -f "$1" ] || { echo "install-system.sh: $1 is missing" >&2; exit 1; }
}
for f in "$repo/systemd/tallennin-recorder.service" "$repo/systemd/tallennin-firstboot.service" \
  "$repo/image/udev/99-tallennin-leds.rules" "$files/nftables.conf" "$files/fstab"; do
  need "$f"
done

say() { printf 'install-system: %s\n' "$*" >&2; }

# --- programs and units ------------------------------------------------------------------------

install -d -m 0755 "$rootfs/usr/lib/tallennin" "$rootfs/usr/lib/tallennin/releases" "$rootfs/usr/local/sbin"
install -m 0755 "$here/firstboot" "$rootfs/usr/lib/tallennin/firstboot"
install -m 0755 "$here/firewall-load" "$rootfs/usr/lib/tallennin/firewall-load"
install -m 0755 "$here/tallennin-update" "$rootfs/usr/local/sbin/tallennin-update"

install -d -m 0755 "$rootfs/etc/systemd/system"
install -m 0644 "$repo/systemd/tallennin-recorder.service" "$repo/systemd/tallennin-firstboot.service" "$rootfs/etc/systemd/system/"

# --- configuration -----------------------------------------------------------------------------

# Debian's /etc/nftables.conf is an executable nft script (0755); ours keeps the shebang.
install -m 0755 "$files/nftables.conf" "$rootfs/etc/nftables.conf"
install -D -m 0644 "$files/nftables.service.d/tallennin.conf" "$rootfs/etc/systemd/system/nftables.service.d/tallennin.conf"
install -D -m 0644 "$files/journald.conf.d/tallennin.conf" "$rootfs/etc/systemd/journald.conf.d/tallennin.conf"
install -D -m 0644 "$files/system.conf.d/watchdog.conf" "$rootfs/etc/systemd/system.conf.d/watchdog.conf"
install -D -m 0644 "$files/sshd_config.d/00-tallennin.conf" "$rootfs/etc/ssh/sshd_config.d/00-tallennin.conf"
install -D -m 0644 "$files/ssh.service.d/tallennin.conf" "$rootfs/etc/systemd/system/ssh.service.d/tallennin.conf"
install -D -m 0644 "$repo/image/udev/99-tallennin-leds.rules" "$rootfs/etc/udev/rules.d/99-tallennin-leds.rules"

# fstab: our block between markers, replaced whole on a second run.
fstab=$rootfs/etc/fstab
touch "$fstab"
sed -i '/^# >>> tallennin >>>$/,/^# <<< tallennin <<<$/d' "$fstab"
{
  echo '# >>> tallennin >>>'
  cat "$files/fstab"
  echo '# <<< tallennin <<<'
} >>"$fstab"

# Mount points of image/LAYOUT.md; they must exist in the root, which is read-only later.
install -d -m 0755 "$rootfs/srv/tallennin" "$rootfs/var/lib/tallennin" "$rootfs/var/log/journal"
install -d -m 0750 "$rootfs/etc/tallennin"
# The app: /opt/tallennin is the data partition's app/current, so units never change with it.
install -d -m 0755 "$rootfs/opt"
if [ -e "$rootfs/opt/tallennin" ] && [ ! -L "$rootfs/opt/tallennin" ]; then
  echo "install-system.sh: $rootfs/opt/tallennin exists and is not a symlink: it must be one (to /srv/tallennin/app/current)" >&2
  exit 1
fi
ln -sfn /srv/tallennin/app/current "$rootfs/opt/tallennin"

# --- the boot partition ------------------------------------------------------------------------

firmware=$rootfs/boot/firmware
[ -f "$firmware/config.txt" ] || { echo "install-system.sh: $firmware/config.txt is missing: is this a Raspberry Pi OS root?" >&2; exit 1; }
[ -f "$firmware/cmdline.txt" ] || { echo "install-system.sh: $firmware/cmdline.txt is missing: is this a Raspberry Pi OS root?" >&2; exit 1; }

# The hardware watchdog that systemd feeds (system.conf.d/watchdog.conf).
if ! grep -qx 'dtparam=watchdog=on' "$firmware/config.txt"; then
  printf '\n# tallennin: the hardware watchdog systemd feeds (RuntimeWatchdogSec)\ndtparam=watchdog=on\n' >>"$firmware/config.txt"
fi

# Raspberry Pi OS grows the root partition over the whole card at first boot: in the initramfs
# when cmdline.txt has "resize" (2024 and later), or through init=.../firstboot (before). The
# root must not grow: the rest of the card becomes the data partition (image/LAYOUT.md).
sed -i -E 's#(^| )init=/usr/lib/raspberrypi-sys-mods/firstboot( |$)#\1\2#; s#(^| )resize( |$)#\1\2#; s/  +/ /g; s/ +$//; s/^ +//' "$firmware/cmdline.txt"
if grep -qE '(^| )(resize|init=/usr/lib/raspberrypi-sys-mods/firstboot)( |$)' "$firmware/cmdline.txt"; then
  echo "install-system.sh: could not take the resize step out of $firmware/cmdline.txt" >&2
  exit 1
fi
[ "$(wc -l <"$firmware/cmdline.txt")" -le 1 ] || { echo "install-system.sh: $firmware/cmdline.txt must stay one line" >&2; exit 1; }

# --- the part that runs inside the root ---------------------------------------------------------

install -d -m 0755 "$rootfs/usr/lib/tallennin/build"
install -m 0755 "$here/configure-system.sh" "$rootfs/usr/lib/tallennin/build/configure-system.sh"
printf 'TALLENNIN_TECH_USER=%q\n' "${TALLENNIN_TECH_USER:-}" >"$rootfs/usr/lib/tallennin/build/system.env"
say "installed into $rootfs; next, inside it: /usr/lib/tallennin/build/configure-system.sh"
