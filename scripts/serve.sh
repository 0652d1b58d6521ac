#!/usr/bin/env bash
# Sets up (idempotently), builds and serves runlens at http://127.0.0.1:8080/ .
# The demo workspace is one click away ("Load demo"). Pass e.g. --port 9000 to trunk.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
echo "runlens: building, then serving at http://127.0.0.1:${PORT:-8080}/ (Ctrl-C stops)"
exec trunk serve --release --port "${PORT:-8080}" "$@"
