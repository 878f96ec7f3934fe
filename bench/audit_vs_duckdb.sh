#!/usr/bin/env bash
# bench/audit_vs_duckdb.sh: `willis audit` against the independent DuckDB SQL and a bare simdjson
# parse (the practical limit), side by side on one generated export (issue 6). Not a test.
#
#   bench/audit_vs_duckdb.sh [--build DIR] [--size 2G] [--seed 1] [--small SIZE] [--as-of DATE]
#                            [--threads N] [--data DIR] [--reuse-data]
#   bench/audit_vs_duckdb.sh --size 200M          # a quick run
#   bench/audit_vs_duckdb.sh --build build-perf --data build-gen/bench-data --reuse-data
#
# --threads N: willis and the bare parse on N threads (default: all cores; DuckDB always uses all).
# --data DIR: where exports are cached (default: BUILD/bench-data). --reuse-data: use a complete
# cached export of the same seed and size even when another build of the generator wrote it (the
# generator is deterministic: the same seed and size give the same bytes).
#
# 1. Generates SIZE of FHIR Bulk Data with willis_gen_bulk_export (cached in
#    DIR/bench-data/seed<S>-<SIZE>/, reused while the generator is unchanged), and a small export
#    of SIZE/5 (or --small) for the memory check.
# 2. Runs, on all cores, each after reading the files once so all start from the page cache:
#    `willis audit`, the DuckDB SQL (tests/duckdb/audit.mjs) and willis_bare_parse; prints wall
#    time, GB/s and peak RSS (/usr/bin/time -f %M) in one table.
# 3. Peak RSS of willis on the small and the big export (it must stay flat as the input grows).
# 4. The counts of willis and DuckDB on the big export (tests/duckdb/compare.mjs): a fast wrong
#    answer is not a result, so a disagreement exits 1.
# Goals (issue 6): willis >= 3x faster than DuckDB, >= 50 % of the bare parse rate, flat RSS.
# Needs: a build with willis, willis_gen_bulk_export, willis_bare_parse (scripts/build);
# node + npm (the DuckDB engine, from tests/duckdb/package-lock.json); /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

build=build
size=2G
seed=1
small=""
as_of=2026-11-22
threads=$(nproc)
data=""
reuse=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --small) small="$2"; shift 2 ;;
    --as-of) as_of="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --reuse-data) reuse=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "audit_vs_duckdb: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
build="$(cd "$build" && pwd)"
data="${data:-$build/bench-data}"
mkdir -p "$data"
data="$(cd "$data" && pwd)"
willis="$build/willis"
gen="$build/willis_gen_bulk_export"
bare="$build/willis_bare_parse"
for exe in "$willis" "$gen" "$bare"; do
  [ -x "$exe" ] || { echo "audit_vs_duckdb: $exe is missing: cmake --build $build" >&2; exit 1; }
done
"$willis" audit --help >/dev/null 2>&1 || { echo "audit_vs_duckdb: $willis has no audit command" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "audit_vs_duckdb: /usr/bin/time is missing (scripts/install-deps installs 'time')" >&2; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null || { echo "audit_vs_duckdb: node and npm are needed" >&2; exit 1; }

big_bytes=$(numfmt --from=iec "$size")
small_bytes=$(numfmt --from=iec "${small:-$((big_bytes / 5))}")

# The DuckDB engine's dependencies: the same folder and lockfile key as the ctest.
node_dir="$build/audit-duckdb"
mkdir -p "$node_dir"
cp tests/duckdb/package.json tests/duckdb/package-lock.json "$node_dir/"
if ! cmp -s tests/duckdb/package-lock.json "$node_dir/node_modules/.willis-lock" 2>/dev/null; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  cp tests/duckdb/package-lock.json "$node_dir/node_modules/.willis-lock"
fi
cp tests/duckdb/*.mjs tests/duckdb/indicators.sql "$node_dir/"

# Data, cached by seed, size and the generator binary (a changed generator makes new data).
gen_key=$(cksum <"$gen" | cut -d' ' -f1)
make_export() {  # make_export BYTES -> prints the folder
  local dir="$data/seed$seed-$1-$gen_key" other
  if [ ! -f "$dir/.complete" ] && [ -n "$reuse" ]; then
    for other in "$data"/seed"$seed"-"$1"-*; do
      [ -f "$other/.complete" ] && { echo "$other"; return; }
    done
  fi
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$data"/seed"$seed"-"$1"-*
    mkdir -p "$dir"
    "$gen" "$dir/export" --target-bytes "$1" --seed "$seed" --as-of "$as_of" >&2
    touch "$dir/.complete"
  fi
  echo "$dir"
}
big_dir=$(make_export "$big_bytes")
small_dir=$(make_export "$small_bytes")
data_bytes() { cat "$1"/export/*.ndjson | wc -c; }
big_size=$(data_bytes "$big_dir")
small_size=$(data_bytes "$small_dir")

out="$build/bench-audit"
rm -rf "$out"
mkdir -p "$out"
"$willis" audit --codelists >"$out/codelists.csv"

# measure NAME CMD... (the export folder last): wall time and peak RSS, from a warm page cache.
declare -A wall rss
measure() {
  local name="$1"
  shift
  cat "${@: -1}"/*.ndjson >/dev/null 2>&1 || true
  if ! /usr/bin/time -f '%e %M' -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err"; then
    echo "audit_vs_duckdb: $name failed:" >&2
    tail -n 20 "$out/$name.err" >&2
    exit 1
  fi
  read -r wall["$name"] rss["$name"] <"$out/$name.time"
}
echo "audit_vs_duckdb: $(numfmt --to=iec "$big_size") export ($big_dir), $(nproc) cores, willis and bare parse on $threads threads, as of $as_of"
# willis also writes its text table (--text-lists): the DuckDB engine joins on it (docs/audit.md).
measure willis "$willis" audit --as-of "$as_of" --threads "$threads" --format json --out "$out/willis-flagged.ndjson" \
  --text-lists "$out/texts.csv" "$big_dir/export"
measure duckdb node "$node_dir/audit.mjs" --codelists "$out/codelists.csv" --texts "$out/texts.csv" --as-of "$as_of" \
  --flagged "$out/duckdb-flagged.ndjson" "$big_dir/export"
measure bare_parse "$bare" --threads "$threads" "$big_dir/export"
cp "$out/willis.out" "$out/willis.json"
cp "$out/duckdb.out" "$out/duckdb.json"

gbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.3f", (s > 0 ? b / 1e9 / s : 0) }'; }
printf '\n%-34s %10s %10s %14s\n' "engine ($threads threads)" "wall s" "GB/s" "peak RSS MB"
for name in willis duckdb bare_parse; do
  label="$name"
  [ "$name" = willis ] && label="willis audit"
  [ "$name" = duckdb ] && label="DuckDB SQL (@duckdb/node-api)"
  [ "$name" = bare_parse ] && label="bare simdjson parse (limit)"
  printf '%-34s %10s %10s %14s\n' "$label" "${wall[$name]}" "$(gbps "$big_size" "${wall[$name]}")" "$((rss[$name] / 1024))"
done
awk -v w="${wall[willis]}" -v d="${wall[duckdb]}" -v b="${wall[bare_parse]}" 'BEGIN {
  printf "\nwillis vs DuckDB: %.2fx faster (goal >= 3x)\n", (w > 0 ? d / w : 0)
  printf "willis vs bare parse: %.0f %% of the bare rate (goal >= 50 %%)\n", (w > 0 ? 100 * b / w : 0) }'

# Memory must not grow with the input: willis on the small and the big export.
# The same command as the big run (--out too: the evidence phase is part of the peak).
measure willis_small "$willis" audit --as-of "$as_of" --threads "$threads" --format json \
  --out "$out/willis-small-flagged.ndjson" "$small_dir/export"
awk -v s="$small_size" -v b="$big_size" -v rs="${rss[willis_small]}" -v rb="${rss[willis]}" 'BEGIN {
  printf "willis peak RSS: %.0f MB on %.2f GB, %.0f MB on %.2f GB (%.1fx the input: RSS x%.2f; goal: flat)\n",
    rs / 1024, s / 1e9, rb / 1024, b / 1e9, b / s, (rs > 0 ? rb / rs : 0) }'

cp "$out/willis_small.out" "$out/willis-small.json"
patients() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).patients)' "$1"; }
awk -v pb="$(patients "$out/willis.json")" -v ps="$(patients "$out/willis-small.json")" \
  -v rs="${rss[willis_small]}" -v rb="${rss[willis]}" 'BEGIN {
  printf "willis peak RSS per extra patient: %.0f bytes (%d -> %d patients)\n", (pb > ps ? (rb - rs) * 1024 / (pb - ps) : 0), ps, pb }'

# Multi-core scaling: willis on one thread.
if [ "$threads" -gt 1 ]; then
  measure willis_1 "$willis" audit --as-of "$as_of" --threads 1 --format json --out "$out/willis-1-flagged.ndjson" \
    "$big_dir/export"
  awk -v w1="${wall[willis_1]}" -v wn="${wall[willis]}" -v n="$threads" 'BEGIN {
    printf "willis on 1 thread: %.2f s; on %d threads: %.2f s (%.2fx)\n", w1, n, wn, (wn > 0 ? w1 / wn : 0) }'
fi

# The answers must agree.
echo
node "$node_dir/compare.mjs" "counts on $(numfmt --to=iec "$big_size")" "$out/willis.json" "$out/willis-flagged.ndjson" \
  "$out/duckdb.json" "$out/duckdb-flagged.ndjson"
echo "audit_vs_duckdb: bare parse said: $(cat "$out/bare_parse.out")"
echo "audit_vs_duckdb: outputs in $out"
