#!/usr/bin/env bash
# Builds the static site: dist/ is a folder of plain files with relative URLs (any host, any
# sub-path), plus dist/snapshot.html (the app in one file) and dist/sw.js (offline shell).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release "$@"
echo "static site in $(pwd)/dist — copy the folder to any static host"
