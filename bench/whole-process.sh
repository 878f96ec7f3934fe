#!/usr/bin/env bash
# Whole-process cost of one CLI assessment, side by side with /bin/true (the floor for starting any
# process) in the same hyperfine run, plus the instruction count (callgrind: repeatable on a busy
# machine). Target (issue 2): `willis assess heavy.yaml --format json` within 5x /bin/true.
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
hyperfine -N --warmup 5 --runs 200 \
  "$willis assess examples/heavy.yaml --format json" \
  "$willis assess examples/typical.yaml --format json" \
  "/bin/true"
if command -v valgrind >/dev/null; then
  for cmd in "$willis assess examples/heavy.yaml --format json" "/bin/true"; do
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $cmd 2>&1 >/dev/null | sed -n 's/.*Collected : /instructions: /p' | sed "s|^|$cmd: |"
  done
fi
