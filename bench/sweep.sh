#!/usr/bin/env bash
# Sweep-scale benchmarks (issue #7) on a generated hyper-parameter sweep of RUNS runs x STEPS
# steps x 5 scalar tags (histograms and images mixed in; crates/core/examples/gen_sweep.rs,
# byte-identical to tensorboardX — bench/check_gen_sweep.sh): runlens core natively on every
# file, TensorBoard's EventAccumulator on the first 10 runs (twice: bench/.venv without
# TensorFlow, its pure-Python record reader; bench/.venv-tf with tensorflow-cpu, TF's C++ one),
# then the built app in headless Chromium (bench/sweep.mjs: import, storage, memory, reload →
# first chart, zoom).
# Usage: bench/sweep.sh [runs=100] [steps=10000]   (issue #7's full size: 1000 10000)
# Env: RUNLENS_DIST (the built app, default dist/), PEER_TF=0 (skip the TensorFlow peer and its
# ~1.6 GB venv), SWEEP_PROFILE=1 (also trace the import and a reload: build
# bench/out/dist-profile with bench/profile_build.sh first for wasm names).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
steps=${2:-10000}
dir=bench/out/sweep-${runs}x${steps}/sweep
bin=${CARGO_TARGET_DIR:-target}/release/examples
if [ ! -d "$dir" ]; then
  cargo build -q --release -p runlens-core --example gen_sweep
  "$bin/gen_sweep" "$dir" --runs "$runs" --steps "$steps"
fi
cargo bench -q -p runlens-core --bench tfevents -- "$PWD/$dir"
# The same reader as wasm in V8, built as the import worker is (the `worker` profile).
cargo build -q --profile worker --target wasm32-unknown-unknown -p runlens-wasm-bench
node bench/wasm_parse.mjs "$dir"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q -r bench/requirements.txt
fi
bench/.venv/bin/python bench/peer_sweep.py "$dir" 10 2>/dev/null
if [ "${PEER_TF:-1}" != 0 ]; then
  if [ ! -x bench/.venv-tf/bin/python ]; then
    python3 -m venv bench/.venv-tf
    bench/.venv-tf/bin/pip install -q -r bench/requirements-tf.txt
  fi
  bench/.venv-tf/bin/python bench/peer_sweep.py "$dir" 10 2>/dev/null
fi
[ -f "${RUNLENS_DIST:-dist}/index.html" ] || { source scripts/env.sh; trunk build --release; }
profile=()
[ "${SWEEP_PROFILE:-0}" = 1 ] && profile=(--profile "bench/out/sweep-${runs}x${steps}/profile")
node bench/sweep.mjs "$dir" --repeats 3 "${profile[@]}"
