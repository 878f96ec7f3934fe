#!/usr/bin/env bash
# examples/dask/check-dask.sh: the Dask example gives what `willis audit` gives on one machine
# (issue 14): the same summary JSON and the same flagged lines, byte for byte.
#
#   check-dask.sh WILLIS_BINARY GEN_BINARY SEED_REAL_PY CODELISTS_SOURCE_DIR WORK_DIR
#
# Two exports: one from willis_gen_bulk_export (plain, with bad lines, Medication resources that
# requests refer to) and a real Synthea export with seeded copies (tests/duckdb/seed-real.py), each
# run on a LocalCluster of 2 worker processes in small byte-range partitions, and once with
# `willis audit`. The last line is "dask-audit: N passed, N failed".
set -euo pipefail
if [ $# -ne 5 ]; then
  echo "usage: $0 WILLIS GEN SEED_REAL_PY REAL_EXPORT_DIR WORK_DIR" >&2
  exit 2
fi
willis="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
gen="$2"
seed_real="$3"
real="$4"
work="$5"
here="$(cd "$(dirname "$0")" && pwd)"
as_of=2026-11-22
# Debian's python3 (python3-distributed), whatever python3 comes first on PATH.
python=""
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import distributed' 2>/dev/null; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then
  echo "dask-audit: no python3 with the distributed module: scripts/install-deps installs python3-distributed" >&2
  echo "dask-audit: 0 passed, 1 failed"
  exit 1
fi
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0
check_export() {
  local name="$1" export="$2" partition="$3"
  "$willis" audit "$export" --as-of "$as_of" --format json --out "$work/$name-single.ndjson" \
    >"$work/$name-single.json" 2>/dev/null
  if ! "$python" "$here/audit_dask.py" "$export" --as-of "$as_of" --willis "$willis" --out "$work/$name-dask" \
      --workers 2 --partition-bytes "$partition"; then
    echo "dask-audit: $name: the Dask run failed"
    failed=$((failed + 1))
    return
  fi
  local parts
  parts=$(ls "$work/$name-dask"/summary-*.json | wc -l)
  if cmp "$work/$name-single.json" "$work/$name-dask/summary.json" &&
     cmp "$work/$name-single.ndjson" "$work/$name-dask/flagged.ndjson" && [ "$parts" -ge 2 ] &&
     [ -s "$work/$name-single.ndjson" ]; then
    echo "dask-audit: $name: the same summary and $(wc -l <"$work/$name-single.ndjson") flagged lines ($parts partial summaries merged)"
    passed=$((passed + 1))
  else
    echo "dask-audit: $name: differs from the single-machine run (or fewer than 2 parts: $parts); files in $work"
    failed=$((failed + 1))
  fi
}
"$gen" "$work/gen-export" --patients 600 --as-of "$as_of" --quiet --seed 21 --bad-lines 0.002
check_export generated "$work/gen-export" 400000
"$willis" audit --codelists >"$work/codelists.csv"
"$python" "$seed_real" "$real" "$work/real-export" "$work/codelists.csv"
check_export real-synthea "$work/real-export" 300000
echo "dask-audit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
