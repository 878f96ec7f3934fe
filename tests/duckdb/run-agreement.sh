#!/usr/bin/env bash
# tests/duckdb/run-agreement.sh: `willis audit` against the independent DuckDB SQL (issue 6).
#
#   run-agreement.sh WILLIS_BINARY GEN_BINARY WORK_DIR
#
# Two kinds of data (issue 14): exports made by our own generator, and real Synthea output
# (tests/fixtures/audit-real: synthea-bulk-10 plain, synthea-hiv-79 gzipped, as Synthea wrote
# them) with seeded copies of some of their patients added by seed-real.py (resources only added;
# see its header): there every indicator must have a seeded patient in its numerator and another
# in its denominator only, no unseeded real patient may be flagged, and no deceased seed either.
# The DuckDB engine gets willis's code lists and its text table (--text-lists), and decides the
# rest itself.
#
# Installs @duckdb/node-api from the lockfile into WORK_DIR (npm ci; once per lockfile change),
# takes the code lists from `willis audit --codelists`, runs both engines on the hand-made
# fixture/ (both must flag exactly fixture/expected-flagged.ndjson) and on rxnorm-tty.py's export
# (one RxNorm code of every term type of data/rxnorm, identified by code alone; both must flag
# exactly what it expects), generates two small exports
# with willis_gen_bulk_export (seed 11 plain with bad lines, seed 12 gzipped), runs both engines
# on each, and compares the patient count, every indicator's denominator and numerator, and the set
# of flagged (patient, indicator) pairs (compare.mjs). The generated data must give every
# indicator 0 < numerator < denominator, so agreement is never 0 = 0. Everything is kept in
# WORK_DIR for a look after a failure. The last line is "audit-duckdb-agreement: N passed, N failed".
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 WILLIS_BINARY GEN_BINARY WORK_DIR" >&2
  exit 2
fi
willis="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
gen="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
work="$3"
here="$(cd "$(dirname "$0")" && pwd)"
as_of=2026-11-22
patients="${AUDIT_AGREEMENT_PATIENTS:-3000}"

fail() {
  echo "audit-duckdb-agreement: $*" >&2
  echo "audit-duckdb-agreement: 0 passed, 1 failed"
  exit 1
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(node)
command -v npm >/dev/null 2>&1 || missing+=(npm)
((${#missing[@]} == 0)) || fail "missing ${missing[*]}; scripts/install-deps installs Debian's nodejs and npm"

# willis must have the audit command: this test is the check that it agrees with the SQL.
if ! "$willis" audit --help >/dev/null 2>&1; then
  fail "'$willis audit --help' failed: the audit command is missing"
fi

mkdir -p "$work"
work="$(cd "$work" && pwd)"
# Dependencies: from the lockfile, into the build folder (the source tree stays clean).
cp "$here/package.json" "$here/package-lock.json" "$work/"
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.willis-lock" 2>/dev/null; then
  (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || fail "npm ci failed in $work"
  cp "$here/package-lock.json" "$work/node_modules/.willis-lock"
fi
cp "$here"/*.mjs "$here/indicators.sql" "$work/"

"$willis" audit --codelists >"$work/codelists.csv" || fail "willis audit --codelists failed"
[ "$(head -n 1 "$work/codelists.csv" | tr -d '\r')" = "list,system,code" ] ||
  fail "willis audit --codelists: the first line is not 'list,system,code': $(head -n 1 "$work/codelists.csv")"
echo "audit-duckdb-agreement: code lists: $(($(wc -l <"$work/codelists.csv") - 1)) codes in $(tail -n +2 "$work/codelists.csv" | cut -d, -f1 | sort -u | wc -l) lists"

status=0
total_passed=0
total_failed=0
run_case() {
  local name="$1"
  shift
  local dir="$work/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$gen" "$dir/export" --patients "$patients" --as-of "$as_of" --quiet "$@"
  run_engines "$name" "$dir" "$*"
}

# Runs both engines on $dir/export and compares them. Extra checks for real data: REAL=1.
run_engines() {
  local name="$1" dir="$2" what="$3"
  local t0 t1 t2
  t0=$(date +%s%N)
  if ! "$willis" audit "$dir/export" --as-of "$as_of" --format json --out "$dir/willis-flagged.ndjson" \
      --text-lists "$dir/texts.csv" >"$dir/willis.json" 2>"$dir/willis.err"; then
    echo "audit-duckdb-agreement: $name: willis audit failed:" >&2
    cat "$dir/willis.err" >&2
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  t1=$(date +%s%N)
  if ! node "$work/audit.mjs" "$dir/export" --codelists "$work/codelists.csv" --texts "$dir/texts.csv" --as-of "$as_of" \
      --flagged "$dir/duckdb-flagged.ndjson" >"$dir/duckdb.json" 2>"$dir/duckdb.err"; then
    echo "audit-duckdb-agreement: $name: the DuckDB engine failed:" >&2
    cat "$dir/duckdb.err" >&2
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  t2=$(date +%s%N)
  echo "audit-duckdb-agreement: $name ($what): willis $(((t1 - t0) / 1000000)) ms, duckdb $(((t2 - t1) / 1000000)) ms"
  local out rc=0
  out="$(node "$work/compare.mjs" "$name" "$dir/willis.json" "$dir/willis-flagged.ndjson" \
           "$dir/duckdb.json" "$dir/duckdb-flagged.ndjson" ${REAL:+--real})" || rc=$?
  echo "$out"
  local p f
  p="$(echo "$out" | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -n 1)"
  f="$(echo "$out" | sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -n 1)"
  total_passed=$((total_passed + ${p:-0}))
  total_failed=$((total_failed + ${f:-1}))
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "audit-duckdb-agreement: $name: files kept in $dir (export/, willis.json, duckdb.json, *-flagged.ndjson)"
  fi
}

# A hand-made export with a known answer (fixture/README.md): both engines must give it exactly.
fixture_case() {
  local dir="$work/fixture" engine rc out
  rm -rf "$dir"
  mkdir -p "$dir"
  "$willis" audit "$here/fixture" --as-of "$as_of" --format json --out "$dir/willis-flagged.ndjson" \
    --text-lists "$dir/texts.csv" >"$dir/willis.json" 2>"$dir/willis.err" ||
    { cat "$dir/willis.err" >&2; : >"$dir/willis-flagged.ndjson"; }
  node "$work/audit.mjs" "$here/fixture" --codelists "$work/codelists.csv" --texts "$dir/texts.csv" --as-of "$as_of" \
    --flagged "$dir/duckdb-flagged.ndjson" >"$dir/duckdb.json" 2>"$dir/duckdb.err" ||
    { cat "$dir/duckdb.err" >&2; : >"$dir/duckdb-flagged.ndjson"; }
  for engine in willis duckdb; do
    rc=0
    out="$(node "$work/expect-pairs.mjs" "fixture ($engine)" "$here/fixture/expected-flagged.ndjson" \
             "$dir/$engine-flagged.ndjson")" || rc=$?
    echo "$out"
    if [ "$rc" -eq 0 ]; then total_passed=$((total_passed + 1)); else total_failed=$((total_failed + 1)); status=1; fi
  done
}

# Medicines identified by RxNorm code alone, one code of every term type of the shipped subset
# (IN, SCDC, SCD, SBD, GPCK, BPCK, RXTERMS) and Synthea's SCDC 316049: both engines must flag exactly
# what rxnorm-tty.py expects (its header says how; issue 14 part 2).
tty_case() {
  local dir="$work/rxnorm-tty" engine rc out
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! python3 "$here/rxnorm-tty.py" "$here/../../data/rxnorm/rxnorm-subset.tsv" "$dir"; then
    echo "audit-duckdb-agreement: rxnorm-tty.py failed" >&2
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  "$willis" audit "$dir/export" --as-of "$as_of" --format json --out "$dir/willis-flagged.ndjson" \
    --text-lists "$dir/texts.csv" >"$dir/willis.json" 2>"$dir/willis.err" ||
    { cat "$dir/willis.err" >&2; : >"$dir/willis-flagged.ndjson"; }
  node "$work/audit.mjs" "$dir/export" --codelists "$work/codelists.csv" --texts "$dir/texts.csv" --as-of "$as_of" \
    --flagged "$dir/duckdb-flagged.ndjson" >"$dir/duckdb.json" 2>"$dir/duckdb.err" ||
    { cat "$dir/duckdb.err" >&2; : >"$dir/duckdb-flagged.ndjson"; }
  for engine in willis duckdb; do
    rc=0
    out="$(node "$work/expect-pairs.mjs" "rxnorm term types ($engine)" "$dir/expected-flagged.ndjson" \
             "$dir/$engine-flagged.ndjson")" || rc=$?
    echo "$out"
    if [ "$rc" -eq 0 ]; then total_passed=$((total_passed + 1)); else total_failed=$((total_failed + 1)); status=1; fi
  done
}

# Real Synthea output with seeded copies of some patients (seed-real.py says how).
real_case() {
  local name="$1" source="$2" dir="$work/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! python3 "$here/seed-real.py" "$source" "$dir/export" "$work/codelists.csv"; then
    echo "audit-duckdb-agreement: $name: seed-real.py failed" >&2
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  REAL=1 run_engines "$name" "$dir" "real Synthea + seeded copies"
}

command -v python3 >/dev/null 2>&1 || fail "missing python3 (seed-real.py)"
fixture_case
tty_case
real_case real-synthea-bulk-10 "$here/../fixtures/audit-real/synthea-bulk-10"
real_case real-synthea-hiv-79 "$here/../fixtures/audit-real/synthea-hiv-79"
run_case seed-11-plain --seed 11 --bad-lines 0.001
run_case seed-12-gzip --seed 12 --gzip

echo "audit-duckdb-agreement: $total_passed passed, $total_failed failed"
exit "$status"
