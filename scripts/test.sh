#!/usr/bin/env bash
# The whole suite: installs what is missing, builds, runs every test with tap, and ends with
# the line "N passed, N failed" that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
bash scripts/ensure-deps.sh || exit 1
npm run --silent build || { echo "0 passed, 1 failed"; exit 1; }
export UV_THREADPOOL_SIZE=16
log=$(mktemp)
npx tap --disable-coverage --timeout=600 -R tap "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^# \{ total:' "$log" | tail -n 1)
rm -f "$log"
# shellcheck disable=SC2016  # the quoted text is JavaScript, not shell
node -e '
  const s = process.argv[1] ?? "";
  const n = (k) => Number((s.match(new RegExp(k + ": (\\d+)")) ?? [])[1] ?? 0);
  const total = n("total"), pass = n("pass"), skip = n("skip"), todo = n("todo");
  const fail = Math.max(n("fail"), total - pass - skip - todo) + (s ? 0 : 1);
  console.log(`${pass} passed, ${fail} failed` + (skip ? `, ${skip} skipped` : ""));
' "$summary"
exit "$status"
