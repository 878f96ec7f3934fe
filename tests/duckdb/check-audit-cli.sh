#!/usr/bin/env bash
# tests/duckdb/check-audit-cli.sh: `willis audit` as a user meets it on damaged input and in
# `audit merge` (issues 13 and 14). Each check prints one line; the last is "audit-cli: N passed, N failed".
#
#   check-audit-cli.sh WILLIS_BINARY GEN_BINARY WORK_DIR
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: $0 WILLIS GEN WORK_DIR" >&2; exit 2; }
willis="$1"
gen="$2"
work="$3"
as_of=2026-11-22
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0
ok() { echo "audit-cli: ok: $1"; passed=$((passed + 1)); }
bad() { echo "audit-cli: FAIL: $1"; failed=$((failed + 1)); }

"$gen" "$work/export" --patients 400 --as-of "$as_of" --quiet --seed 41 --gzip
"$willis" audit "$work/export" --as-of "$as_of" --format json >"$work/whole.json" 2>/dev/null || bad "the intact export failed"

# A truncated .gz: exit 2 and the file named, never half the patients with exit 0.
mkdir -p "$work/truncated"
cp "$work"/export/*.gz "$work/truncated/"
size=$(stat -c %s "$work/truncated/Observation.ndjson.gz")
truncate -s $((size / 2)) "$work/truncated/Observation.ndjson.gz"
"$willis" audit "$work/truncated" --as-of "$as_of" --format json >"$work/truncated.json" 2>"$work/truncated.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "truncated/Observation.ndjson.gz" "$work/truncated.err" && [ ! -s "$work/truncated.json" ]; then
  ok "truncated gzip: exit 2, $(head -n 1 "$work/truncated.err")"
else bad "truncated gzip: exit $rc, stderr: $(head -c 300 "$work/truncated.err")"; fi

# Bytes after the gzip data: the same.
mkdir -p "$work/garbage"
cp "$work"/export/*.gz "$work/garbage/"
printf 'garbage after the gzip data\n' >>"$work/garbage/Patient.ndjson.gz"
"$willis" audit "$work/garbage" --as-of "$as_of" --format json >/dev/null 2>"$work/garbage.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "garbage/Patient.ndjson.gz" "$work/garbage.err"; then ok "trailing garbage: exit 2"
else bad "trailing garbage: exit $rc, stderr: $(head -c 300 "$work/garbage.err")"; fi

# A gzip bomb in miniature: one 8 MB line, a 1 MB cap: one bad line in the errors file, exit 0.
mkdir -p "$work/bomb"
{ printf '{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","id":"big","x":"'
  head -c 8000000 /dev/zero | tr '\0' x
  printf '"}\n{"resourceType":"Patient","id":"b"}\n'; } | gzip -n >"$work/bomb/Patient.ndjson.gz"
"$willis" audit "$work/bomb" --as-of "$as_of" --format json --max-line-bytes 1048576 --errors "$work/bomb.errors" \
  >"$work/bomb.json" 2>/dev/null
rc=$?
if [ "$rc" -eq 0 ] && grep -Eq '"patients": ?2,' "$work/bomb.json" && grep -Eq '"errors": ?1,' "$work/bomb.json" &&
   grep -q "Patient.ndjson.gz:2: a line longer than 1048576 bytes" "$work/bomb.errors"; then ok "over-long line: one bad line, counted"
else bad "over-long line: exit $rc, $(head -c 300 "$work/bomb.json") $(head -c 200 "$work/bomb.errors" 2>/dev/null)"; fi

# audit merge: a summary merged with itself is every count doubled; different audit dates refuse.
"$willis" audit merge "$work/whole.json" "$work/whole.json" >"$work/double.json" 2>"$work/merge.err"
rc=$?
if [ "$rc" -eq 0 ] && node -e '
  const fs = require("fs");
  const a = JSON.parse(fs.readFileSync(process.argv[1])), b = JSON.parse(fs.readFileSync(process.argv[2]));
  const same = b.patients === 2 * a.patients && b.resources === 2 * a.resources &&
    a.indicators.every((x, i) => b.indicators[i].denominator === 2 * x.denominator && b.indicators[i].numerator === 2 * x.numerator);
  process.exit(same && a.patients > 0 ? 0 : 1);' "$work/whole.json" "$work/double.json"; then ok "merge: exact sums"
else bad "merge of a summary with itself: exit $rc $(cat "$work/merge.err")"; fi
sed -E 's/"as_of": ?"2026-11-22"/"as_of": "2026-11-21"/' "$work/whole.json" >"$work/other-date.json"
"$willis" audit merge "$work/whole.json" "$work/other-date.json" >/dev/null 2>"$work/merge2.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "as_of" "$work/merge2.err"; then ok "merge: another audit date is refused"
else bad "merge of two audit dates: exit $rc $(cat "$work/merge2.err")"; fi

echo "audit-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
