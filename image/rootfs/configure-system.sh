#!/bin/bash
# The part of the system installation that runs INSIDE the root file system being built (in its
# chroot): users, the technician's account, and which units start at boot. install-system.sh puts
# it at /usr/lib/tallennin/build/configure-system.sh with system.env next to it; the pi-gen stage
# runs it from 00-system/01-run-chroot.sh, image/test/rootfs-test.sh with chroot.
set -euo pipefail
# A failure inside $(...) stops the script too, not only the subshell.
shopt -s inherit_errexit

build=/usr/lib/tallennin/build
TALLENNIN_TECH_USER=
if [ -f "$build/system.env" ]; then
  # shellcheck source=/dev/null
  . "$build/system.env"
fi

say() { printf 'configure-system: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

unit_exists() {
  local d
  for d in /etc/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
    [ -e "$d/$1" ] && return 0
  done
  return 1
}

# --- the recorder's user (image/LAYOUT.md) -----------------------------------------------------

getent group tallennin >/dev/null || groupadd --system tallennin
if ! id -u tallennin >/dev/null 2>&1; then
  useradd --system --gid tallennin --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --comment "tallennin recorder" tallennin
fi
# ALSA devices (audio) and serial line units (dialout).
usermod --append --groups audio,dialout tallennin
# The mount point's own owner and mode, as the data partition's etc/ has them.
chown root:tallennin /etc/tallennin
chmod 0750 /etc/tallennin
say "user tallennin: $(id tallennin)"

# --- the technician ----------------------------------------------------------------------------

# pi-gen made the account (FIRST_USER_NAME) with the key from PUBKEY_SSH_FIRST_USER. pi-gen
# insists on a password when the first-boot rename is off; build.sh gives it a random one, and
# here it goes: "*" matches no password at all, so the key is the only way in (sshd also refuses
# passwords: sshd_config.d/00-tallennin.conf). "*" rather than passwd -l's "!": some sshd builds
# treat "!" as a locked account and refuse even keys.
if [ -n "$TALLENNIN_TECH_USER" ]; then
  user=$TALLENNIN_TECH_USER
  id -u "$user" >/dev/null 2>&1 || die "the technician's account '$user' does not exist (pi-gen's FIRST_USER_NAME)"
  usermod --password '*' "$user"
  home=$(getent passwd "$user" | cut -d: -f6)
  [ -s "$home/.ssh/authorized_keys" ] ||
    die "$user has no $home/.ssh/authorized_keys: with no password either, nobody could log in (give build.sh --ssh-key)"
  # Without a password, sudo can only work without one. Whoever holds the key is the box's
  # administrator: the key is the credential, and SSH is open to the management networks only.
  sudoers=/etc/sudoers.d/010_tallennin-technician
  printf '# The technician has no password: the SSH key is the credential (image/README.md).\n%s ALL=(ALL) NOPASSWD: ALL\n' "$user" >"$sudoers.tmp"
  chmod 0440 "$sudoers.tmp"
  if command -v visudo >/dev/null; then
    visudo -cqf "$sudoers.tmp" || die "visudo refuses $sudoers"
  fi
  mv -f "$sudoers.tmp" "$sudoers"
  # Reads the journal without sudo (Debian gives group adm that).
  usermod --append --groups adm "$user"
  say "technician $user: key only, no password, sudo without one"
fi
# Root has no password either (pi-gen sets the same).
usermod --password '*' root

# --- what starts at boot -----------------------------------------------------------------------

# systemctl works on the unit files alone in a chroot: it makes the wants links.
systemctl enable tallennin-firstboot.service tallennin-recorder.service nftables.service

# Not on a read-only appliance: a swap file (it would sit in the root's tmpfs overlay, in RAM),
# apt's daily downloads (into RAM as well, and the firewall lets them nowhere), a syslog daemon
# (writing /var/log into RAM; the journal is on the data partition), and the root's growth over
# the card in later Raspberry Pi OS releases (rpi-resize).
for u in dphys-swapfile.service apt-daily.timer apt-daily-upgrade.timer rsyslog.service; do
  if unit_exists "$u"; then
    systemctl disable "$u"
    say "disabled $u"
  fi
done
for u in rpi-resize.service rpi-resize-swap-file.service; do
  if unit_exists "$u"; then
    systemctl mask "$u"
    say "masked $u"
  fi
done
say "done"
