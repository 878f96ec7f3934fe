#!/usr/bin/env bash
# tests/duckdb/check-audit-deterministic.sh: `willis audit` on the same export gives byte-identical
# flagged files, summaries and error files, run after run, whatever the threads, the chunk size or
# how the export is split into files (issue 14, 5).
#
#   check-audit-deterministic.sh WILLIS_BINARY GEN_BINARY WORK_DIR
#
# The export: willis_gen_bulk_export (plain, with bad lines) and a gzipped copy of one file. The
# re-partitioned copy splits every file into three at line ends (X.ndjson -> X.0.ndjson, X.1…,
# X.2…, which sort in the same order), so positions move but nothing decided may change. The
# last line is "audit-deterministic: N passed, N failed".
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 WILLIS GEN WORK_DIR" >&2
  exit 2
fi
willis="$1"
gen="$2"
work="$3"
as_of=2026-11-22
rm -rf "$work"
mkdir -p "$work"
"$gen" "$work/export" --patients 1500 --as-of "$as_of" --quiet --seed 31 --bad-lines 0.002
gzip -n "$work/export/Condition.ndjson"
mkdir -p "$work/split"
for f in "$work"/export/*.ndjson; do
  base="$(basename "$f" .ndjson)"
  lines=$(wc -l <"$f")
  per=$(((lines + 2) / 3))
  split -d -a 1 -l "$per" --additional-suffix=.ndjson "$f" "$work/split/$base."
done
cp "$work/export/Condition.ndjson.gz" "$work/split/"
passed=0
failed=0
run() {
  local name="$1" input="$2"
  shift 2
  "$willis" audit "$input" --as-of "$as_of" --format json --out "$work/$name.ndjson" --errors "$work/$name.errors" \
    --no-progress "$@" >"$work/$name.json"
}
run reference "$work/export" --threads 2
[ -s "$work/reference.ndjson" ] || { echo "audit-deterministic: nothing flagged: the check would be empty"; exit 1; }
compare() {
  local name="$1" what="$2"
  if cmp -s "$work/reference.ndjson" "$work/$name.ndjson" && cmp -s "$work/reference.json" "$work/$name.json"; then
    echo "audit-deterministic: $what: identical flagged file and summary"
    passed=$((passed + 1))
  else
    echo "audit-deterministic: $what: DIFFERS (files in $work)"
    failed=$((failed + 1))
  fi
}
for spec in "again:--threads 2" "t1:--threads 1" "t4:--threads 4" "c64:--threads 2 --chunk-size 64" \
            "c4k:--threads 3 --chunk-size 4096" "c1m:--threads 2 --chunk-size 1048576"; do
  name="${spec%%:*}"
  # shellcheck disable=SC2086
  run "$name" "$work/export" ${spec#*:}
  compare "$name" "same export, ${spec#*:}"
  if cmp -s "$work/reference.errors" "$work/$name.errors"; then passed=$((passed + 1)); else
    echo "audit-deterministic: ${spec#*:}: the errors file differs"; failed=$((failed + 1)); fi
done
run split "$work/split" --threads 2 --chunk-size 8192
compare split "the export split into 3 files each"
echo "audit-deterministic: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
