#!/usr/bin/env bash
# packaging/gen-docs.sh WILLIS OUTDIR: man pages (help2man, from the same text as --help, so they
# cannot drift) and bash/zsh/fish completion (from the command table: `willis completion`).
# One page per command path: willis(1), willis-assess(1), willis-kb-show(1), ...
set -euo pipefail
willis=$(realpath "$1")
out=$2
rm -rf "$out" && mkdir -p "$out/man1" "$out/completion"
version=$("$willis" --version)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
"$willis" completion commands | while IFS= read -r line; do
  path=${line%%$'\t'*} description=${line#*$'\t'}
  page=willis${path:+-${path// /-}}
  # help2man names the page after the program it runs: a wrapper named like the page.
  printf '#!/bin/sh\nexec %q %s "$@"\n' "$willis" "$path" >"$tmp/$page"
  chmod +x "$tmp/$page"
  help2man --no-info --no-discard-stderr --version-string="$page ${version#willis }" --section=1 \
    --source="willis" --manual="willis manual" --name="$description" \
    --output="$out/man1/$page.1" "$tmp/$page"
  # Reproducible: help2man stamps the month; SOURCE_DATE_EPOCH (set by scripts/package) fixes it.
  gzip -9n -f "$out/man1/$page.1"
done
"$willis" completion bash >"$out/completion/willis"
"$willis" completion zsh >"$out/completion/_willis"
"$willis" completion fish >"$out/completion/willis.fish"
