#!/usr/bin/env bash
# The fast sweep generator (crates/core/examples/gen_sweep.rs) writes what tensorboardX
# writes: the same small sweep both ways, compared record by record and read back by
# TensorBoard's EventAccumulator and by runlens core (bench/check_gen_sweep.py).
# Usage: bench/check_gen_sweep.sh [runs] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
steps=${2:-2000}
py=${PYTHON:-bench/.venv/bin/python}
if [ ! -x "$py" ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q -r bench/requirements.txt
fi
cargo build -q --release -p runlens-core --example gen_sweep --example import_dir
bin=${CARGO_TARGET_DIR:-target}/release/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin/gen_sweep" "$tmp/rust/sweep" --runs "$runs" --steps "$steps" --hist-every 500
"$py" bench/gen_sweep_tbx.py "$tmp/tbx/sweep" --runs "$runs" --steps "$steps" --hist-every 500
"$bin/import_dir" "$tmp/rust/sweep" --dump >"$tmp/rust.json"
"$bin/import_dir" "$tmp/tbx/sweep" --dump >"$tmp/tbx.json"
"$py" bench/check_gen_sweep.py "$tmp/rust/sweep" "$tmp/tbx/sweep" "$tmp/rust.json" "$tmp/tbx.json"
