#!/usr/bin/env bash
# bench/cds_hooks_wrk.sh: throughput and latency of POST /cds-services/willis-order-select with a
# realistic prefetch (tests/fixtures/cds-hooks/willis-order-select-cipro.json: ciprofloxacin
# ordered for a patient on magnesium), next to the same server's trivial route (GET /cds-services,
# a constant document), both on loopback with wrk (Debian package `wrk`). Not a test: it prints
# figures. The answer is checked first, so a fast wrong answer fails.
#
# Usage: bench/cds_hooks_wrk.sh [WILLIS_BINARY] [SECONDS] [CONNECTIONS]
#   e.g. bench/cds_hooks_wrk.sh build/willis 10 8
# Starts `willis serve --port 0 --quiet` on loopback with a throw-away diary, runs both loads, and
# stops the server. Set BASE_URL to measure a server that is already running instead.
set -euo pipefail
willis=${1:-build/willis}
seconds=${2:-10}
connections=${3:-8}
base=${BASE_URL:-}
server=
scratch=$(mktemp -d)
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"' EXIT
if [ -z "$base" ]; then
  [ -x "$willis" ] || { echo "usage: $0 [WILLIS_BINARY] [SECONDS] [CONNECTIONS] (no $willis; build first)"; exit 2; }
  WILLIS_TODAY=2026-11-22 "$willis" serve --port 0 --quiet --db "$scratch/diary.sqlite3" > "$scratch/out" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    base=$(sed -n 's|^willis serve: \(http://[^/]*\)/.*|\1|p' "$scratch/out")
    [ -n "$base" ] && break
    sleep 0.05
  done
  [ -n "$base" ] || { echo "willis serve did not start:"; cat "$scratch/out"; exit 1; }
fi
here=$(cd "$(dirname "$0")/.." && pwd)
body="$here/tests/fixtures/cds-hooks/willis-order-select-cipro.json"
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }

answer=$(curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$body" \
  "$base/cds-services/willis-order-select")
grep -q '"summary":"Ciprofloxacin' <<< "$answer" || { echo "wrong answer: $answer"; exit 1; }

script=$scratch/post.lua
python3 - "$body" > "$script" <<'PY'
import json, sys
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print('wrk.body = ' + json.dumps(open(sys.argv[1]).read()))
PY

run() {  # label, wrk arguments…
  local label=$1; shift
  wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" |
    awk -v label="$label" '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
      END {printf "%-34s %10s req/s   p50 %8s   p99 %8s%s\n", label, rps, p50, p99, bad ? "   NON-2xx: " bad : ""}'
}
run "POST /cds-services/willis-order-select" -s "$script" "$base/cds-services/willis-order-select"
run "GET /cds-services (trivial)" "$base/cds-services"
