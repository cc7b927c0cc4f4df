#!/usr/bin/env bash
# The benchmark: installs what is missing, builds, and prints one JSON object of figures on
# stdout (progress on stderr). docs/bench.md says what each figure means.
# BENCH_REPS (default 5) and BENCH_RSS_REPS (default 3) set the repetitions; BENCH_KEEP=1 keeps
# the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh >&2
npm run --silent build >&2
exec node dist/bench/run.js
