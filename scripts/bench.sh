#!/usr/bin/env bash
# Benchmarks: runlens core's TensorBoard reader on synthetic files, then side by
# side with TensorBoard's Python loader on one real tensorboardX file of 500k scalars.
# Needs Python 3 with pip (a venv is made in bench/.venv from bench/requirements.txt, and one
# with tensorflow-cpu in bench/.venv-tf from bench/requirements-tf.txt, ~1.6 GB: TensorBoard then
# reads records with TF's C++ reader; PEER_TF=0 skips it); the browser part runs the built dist/
# in headless Chromium (scripts/setup.sh installs it).
# Usage: ./scripts/bench.sh [sweep runs [sweep steps]]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p runlens-core --bench tfevents
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q -r bench/requirements.txt
fi
file=$(bench/.venv/bin/python bench/peer_tensorboard.py | tee /dev/stderr | tail -n 1)
if [ "${PEER_TF:-1}" != 0 ]; then
  if [ ! -x bench/.venv-tf/bin/python ]; then
    python3 -m venv bench/.venv-tf
    bench/.venv-tf/bin/pip install -q -r bench/requirements-tf.txt
  fi
  bench/.venv-tf/bin/python bench/peer_tensorboard.py | sed -n 1p  # the figures (line 2: the path)
fi
cargo bench -p runlens-core --bench tfevents -- "$file"
# In the browser: the built app (trunk build --release) imports the same file.
[ -f dist/index.html ] || { source scripts/env.sh; trunk build --release; }
node bench/browser_import.mjs "$file" 3
# A 1M-point chart: reload to drawn, and re-draw on zoom.
node bench/chart_draw.mjs 1000000 5
# Confusion matrices at 1,000 classes: natively (read, metrics, clustered order, diff) and
# in the browser (tab opened → heatmap drawn, clustered redraw, the full per-class table).
cargo bench -p runlens-core --bench confusion
node bench/confusion_draw.mjs 1000 5
# Sweep scale (issue #7): a generated sweep of runs x steps x 5 tags (default 100 x 10,000 =
# 5M points; `./scripts/bench.sh 1000` for the full 50M-point size), natively and in the app.
bench/sweep.sh "${1:-100}" "${2:-10000}"
