#!/usr/bin/env bash
# tests/e2e/run-e2e.sh: browser tests of `willis serve`, as a new user would use it.
#
#   run-e2e.sh WILLIS_BINARY WORK_DIR
#
# Installs playwright-core and axe-core from the lockfile into WORK_DIR (npm ci; once per lockfile
# change), starts `willis serve` on a free loopback port with a fresh diary in a temp folder,
# runs app.test.mjs with Node's test runner driving Debian's /usr/bin/chromium (never a
# downloaded browser), stops the server, and prints one closing line. Screenshots, the .ics and
# the report PDFs are kept in WORK_DIR/artifacts.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 WILLIS_BINARY WORK_DIR" >&2
  exit 2
fi
willis="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${WILLIS_CHROMIUM:-/usr/bin/chromium}"

missing=()
command -v node >/dev/null 2>&1 || missing+=(node)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x "$chromium" ] || missing+=("$chromium")
if ((${#missing[@]})); then
  echo "e2e: missing ${missing[*]}; scripts/install-deps installs Debian's chromium and nodejs" >&2
  echo "e2e: 0 passed, 1 failed"
  exit 1
fi

mkdir -p "$work/artifacts"
work="$(cd "$work" && pwd)"
# Dependencies: from the lockfile, into the build folder (the source tree stays clean).
cp "$here/package.json" "$here/package-lock.json" "$work/"
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.willis-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  cp "$here/package-lock.json" "$work/node_modules/.willis-lock"
fi
cp "$here"/*.mjs "$work/"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/willis-e2e-XXXXXX")"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT

# A fixed "today" keeps dates in the diary and the trial reproducible.
export WILLIS_TODAY="${WILLIS_TODAY:-2026-11-20}"
"$willis" serve --port 0 --db "$tmp/diary.sqlite3" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server_pid=$!

# Wait for the URL line (bounded: 400 checks).
url=""
for _ in $(seq 1 400); do
  url="$(sed -n 's/^willis serve: \(http:[^ ]*\)$/\1/p' "$tmp/serve.out" | head -n 1)"
  [ -n "$url" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.05
done
if [ -z "$url" ]; then
  echo "e2e: willis serve did not start:" >&2
  cat "$tmp/serve.out" "$tmp/serve.err" >&2
  echo "e2e: 0 passed, 1 failed"
  exit 1
fi
echo "e2e: willis serve at $url (diary in $tmp)"

status=0
BASE_URL="$url" ARTIFACTS="$work/artifacts" CHROMIUM="$chromium" \
  node --test --test-reporter=tap "$work/app.test.mjs" >"$tmp/node.out" 2>&1 || status=$?
cat "$tmp/node.out"

stop_server
if ! grep -q '^willis serve: stopped$' "$tmp/serve.out"; then
  echo "e2e: the server did not stop cleanly on SIGTERM" >&2
  status=1
fi
# The request log must never carry health data: no queries, no bodies.
if grep -Eq 'Ciprofloxacin|Levothyroxine|\?|rls=' "$tmp/serve.err"; then
  echo "e2e: the server log carries request data:" >&2
  grep -E 'Ciprofloxacin|Levothyroxine|\?|rls=' "$tmp/serve.err" | head -5 >&2
  status=1
fi
echo "e2e: server log: $(wc -l <"$tmp/serve.err") request lines, e.g. $(head -n 1 "$tmp/serve.err")"
if [ "$status" -ne 0 ]; then
  echo "e2e: the server's log (method, path, status, time):" >&2
  cat "$tmp/serve.err" >&2
fi

passed="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tmp/node.out" | tail -n 1)"
failed="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tmp/node.out" | tail -n 1)"
passed="${passed:-0}"
failed="${failed:-0}"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "e2e: artifacts (screenshots, .ics, report PDFs) in $work/artifacts"
echo "e2e: $passed passed, $failed failed"
exit "$status"
