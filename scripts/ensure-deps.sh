#!/usr/bin/env bash
# Installs what tallennin needs on Debian 12 / Raspberry Pi OS: Debian packages (as root, or
# through sudo when it is there), then the npm packages from the lock file. Safe to run again:
# it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: cmake (audify builds libopus) and libasound2-dev (alsa-capture).
# Tests and demo: alsa-utils, sox, espeak-ng (Finnish speech), ffmpeg and opus-tools (prove
# exports play), socat (serial ptys), mosquitto (a real broker) and openssl (its test
# certificates), and the independent decoders ours are checked against: multimon-ng (DTMF),
# minimodem (FSK caller ID), tshark (Q.931); chromium, driven by playwright-core, for the pages;
# poppler-utils (pdftotext) to read the certificates chromium prints to PDF.
# Shipping (systemd/, image/): systemd (systemd-analyze verify and security), shellcheck,
# nftables (nft -c on the firewall), fdisk and e2fsprogs (first boot's data partition).
debs=(cmake libasound2-dev alsa-utils sox espeak-ng ffmpeg opus-tools socat mosquitto openssl chromium multimon-ng minimodem tshark poppler-utils systemd shellcheck nftables fdisk e2fsprogs)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "tallennin: these Debian packages are missing and I am not root and have no sudo: ${missing[*]}" >&2
    exit 1
  fi
  echo "tallennin: installing Debian packages: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tallennin: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
