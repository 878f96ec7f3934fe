#!/usr/bin/env bash
# packaging/test-package.sh BUILD_DIR SOURCE_DIR: tests the package, not the tree (ctest package.deb).
# Builds the .deb from this build's binary (cpack strips it), unpacks it with dpkg-deb -x into a
# temporary root, runs the installed binary (assess, kb check, serve --port 0 answering one request),
# renders the man page with man -l, completes in bash, and runs lintian.
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
tmp=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "package test: FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/cpack/willis_*_amd64.deb) || fail "no willis_*_amd64.deb"
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'

# Dependencies come from dpkg-shlibdeps: libc6 at least, each with a version.
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *"libc6 (>="* ]] || fail "Depends not computed: '$depends'"

dpkg-deb -x "$deb" "$tmp/root"
root=$tmp/root
willis=$root/usr/bin/willis
[ -x "$willis" ] || fail "no /usr/bin/willis"
serve_program=$root/usr/libexec/willis/willis-serve
[ -x "$serve_program" ] || fail "no /usr/libexec/willis/willis-serve (the program behind willis serve)"
audit_program=$root/usr/libexec/willis/willis-audit
[ -x "$audit_program" ] || fail "no /usr/libexec/willis/willis-audit (the program behind willis audit)"
for binary in "$willis" "$serve_program" "$audit_program"; do
  file "$binary" | grep -q "stripped" && ! file "$binary" | grep -q "not stripped" || fail "$binary not stripped"
done
# Start-up (issue 17): the CLI loads no network libraries (only willis-serve does) and no zlib (only
# willis-audit does); where the build could link it statically, it loads nothing at all.
if readelf -d "$willis" | grep -E 'NEEDED.*(httplib|libssl|libcrypto|libjwt|libbrotli|libz\.)'; then
  fail "/usr/bin/willis links network libraries or zlib (they belong to willis-serve, willis-audit)"
fi
for f in usr/share/doc/willis/copyright usr/share/doc/willis/changelog.gz usr/lib/systemd/user/willis.service \
         usr/share/man/man1/willis.1.gz usr/share/man/man1/willis-assess.1.gz \
         usr/share/bash-completion/completions/willis usr/share/zsh/vendor-completions/_willis \
         usr/share/fish/vendor_completions.d/willis.fish; do
  [ -e "$root/$f" ] || [ -e "$root/${f/usr\/lib\/systemd/lib\/systemd}" ] || fail "missing /$f"
done

# The installed binary works on its own (built-in KB; a fresh HOME so no user files are touched).
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/data
mkdir -p "$HOME"
"$willis" --version | tee "$tmp/version"
grep -Eq '^willis [0-9]+\.[0-9]+\.[0-9]+, knowledge base [0-9]{4}\.[0-9]+\.[0-9]+, contract willis\.assessment/1$' \
  "$tmp/version" || fail "--version"
"$willis" kb check >"$tmp/kb-check" || fail "kb check"
"$willis" assess "$src/examples/typical.yaml" --format json >"$tmp/assess.json" || fail "assess"
grep -q '"schema": *"willis.assessment/1"' "$tmp/assess.json" || fail "assess: no contract document"
# willis audit runs the installed willis-audit: the code lists are the KB's.
"$willis" audit --codelists >"$tmp/codelists.csv" || fail "audit --codelists"
head -1 "$tmp/codelists.csv" | grep -q '^list,system,code' || fail "audit --codelists: no CSV header"

# serve --port 0: read the address it prints, ask for /api/version, compare with --version.
"$willis" serve --port 0 --db "$tmp/diary.sqlite3" >"$tmp/serve.out" 2>"$tmp/serve.err" &
server=$!
for _ in $(seq 100); do grep -q '^willis serve: http' "$tmp/serve.out" && break; sleep 0.1; done
url=$(sed -n 's/^willis serve: \(http[^ ]*\).*/\1/p' "$tmp/serve.out")
[ -n "$url" ] || { cat "$tmp/serve.err"; fail "serve printed no address"; }
python3 - "$url" "$tmp/version" <<'PY' || fail "serve: /api/version"
import json, sys, urllib.request
url, version_file = sys.argv[1].rstrip("/"), sys.argv[2]
body = json.load(urllib.request.urlopen(url + "/api/version", timeout=10))
line = open(version_file).read().strip()
expected = f"willis {body['version']}, knowledge base {body['kb_version']}, contract {body['contract']}"
assert line == expected, (line, expected)
print("serve:", body)
PY
kill "$server"; wait "$server" 2>/dev/null || true; server=

# Man pages render (man -l), one per command.
MANWIDTH=80 man -l "$root/usr/share/man/man1/willis.1.gz" >"$tmp/man.txt" 2>"$tmp/man.err" || fail "man -l willis.1.gz"
grep -q "^NAME" "$tmp/man.txt" && grep -q "willis assess" "$tmp/man.txt" || fail "willis(1) lacks NAME or commands"
MANWIDTH=80 man -l "$root/usr/share/man/man1/willis-assess.1.gz" | grep -q -- "--format" || fail "willis-assess(1)"

# bash completion: `willis <TAB>` offers assess, `willis kb <TAB>` offers check.
bash -c '
  source "$1"
  COMP_WORDS=(willis as); COMP_CWORD=1; _willis; [[ " ${COMPREPLY[*]} " == *" assess "* ]] || exit 1
  COMP_WORDS=(willis kb ""); COMP_CWORD=2; _willis; [[ " ${COMPREPLY[*]} " == *" check "* ]] || exit 2
  COMP_WORDS=(willis assess --f); COMP_CWORD=2; _willis; [[ " ${COMPREPLY[*]} " == *" --format "* ]] || exit 3
' _ "$root/usr/share/bash-completion/completions/willis" || fail "bash completion ($?)"
if command -v zsh >/dev/null; then zsh -n "$root/usr/share/zsh/vendor-completions/_willis" || fail "zsh syntax"; fi
if command -v fish >/dev/null; then fish -n "$root/usr/share/fish/vendor_completions.d/willis.fish" || fail "fish syntax"; fi

# lintian: no errors (warnings are printed for the reader).
if command -v lintian >/dev/null; then
  lintian --fail-on error --allow-root "$deb" || fail "lintian reports errors"
else
  fail "lintian is not installed (scripts/install-deps installs it)"
fi
echo "package test: OK"
