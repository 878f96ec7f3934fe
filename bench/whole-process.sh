#!/usr/bin/env bash
# Whole-process cost of one CLI assessment, side by side with /bin/true (the floor for starting any
# process) in the same hyperfine run, plus the instruction count (callgrind: repeatable on a busy
# machine). Targets: issue 2, heavy within 5x /bin/true; issue 17, assess <= 3x and --version <= 1.5x.
# Usage: bench/whole-process.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
willis="$build/willis"
[ -x "$willis" ] || { echo "build first: scripts/build" >&2; exit 1; }
# A fast wrong answer is not a result: check the output first.
"$willis" assess examples/heavy.yaml --format json | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["schema"] == "willis.assessment/1"
assert any(f["id"] == "interaction:ciprofloxacin" for f in doc["findings"]), "heavy profile lost its ciprofloxacin interaction"
print("answer checked:", len(doc["findings"]), "findings, verdict", doc["verdict"])'
# Issue 17 targets: assess (typical, heavy) <= 3x /bin/true, --version <= 1.5x; the ratios are printed.
# Measure a stripped binary, as installed (e.g. `strip -o DIR/willis build/willis`, then pass DIR).
json=$(mktemp) && trap 'rm -f "$json"' EXIT
hyperfine -N --warmup 5 --runs 200 --export-json "$json" \
  "$willis assess examples/heavy.yaml --format json" \
  "$willis assess examples/typical.yaml --format json" \
  "$willis --version" \
  "/bin/true"
python3 - "$json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = next(r for r in results if r["command"] == "/bin/true")["mean"]
for r in results:
    if r["command"] == "/bin/true":
        continue
    target = 1.5 if r["command"].endswith("--version") else 3.0
    ratio = r["mean"] / floor
    print(f"{ratio:5.2f}x /bin/true, {r['mean'] * 1e3:5.1f} ms vs {floor * 1e3:4.1f} ms (target <= {target}x, "
          f"{'met' if ratio <= target else 'NOT met'}): {r['command']}")
PY
if command -v valgrind >/dev/null; then
  for cmd in "$willis assess examples/heavy.yaml --format json" "$willis assess examples/typical.yaml --format json" \
             "$willis --version" "/bin/true"; do
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd 2>&1 >/dev/null | sed -n 's/.*Collected : /instructions: /p' | sed "s|^|$cmd: |"
  done
fi
