#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds, and runs `tallennin demo` (a simulated
# two-line trunk recorded through a real ALSA device). Extra arguments go to the demo:
#   npm run demo -- --dir /tmp/tallennin-demo
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/ensure-deps.sh"
(cd "$root" && npm run --silent build)
# npm runs scripts in the package folder; the demo's folder is relative to where npm was typed.
cd "${INIT_CWD:-$PWD}"
exec node "$root/dist/cli.js" demo "$@"
