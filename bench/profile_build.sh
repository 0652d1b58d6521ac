#!/usr/bin/env bash
# A release build of the app that keeps wasm function names (for CPU profiles): the same
# trunk build as dist/, with wasm-opt's --debuginfo, into bench/out/dist-profile/. The
# index.html copy it builds from is temporary; the app's own files are not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
tmp=.bench-profile.html
trap 'rm -f "$tmp"' EXIT
sed 's/--enable-multivalue"/--enable-multivalue --debuginfo"/g' index.html >"$tmp"
grep -q -- '--debuginfo' "$tmp"
trunk build "$tmp" --release true --dist bench/out/dist-profile
mv bench/out/dist-profile/.bench-profile.html bench/out/dist-profile/index.html 2>/dev/null || true
