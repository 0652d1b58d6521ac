#!/usr/bin/env bash
# Runs every test (what CI runs: .ci/run): set-up, then the stages in order. A stage's name
# runs just that stage (after set-up), e.g. `./scripts/test.sh core` while working on a
# reader, `./scripts/test.sh e2e` after a `trunk build --release`.
#
#   lint     formatting, clippy -D warnings (native and wasm32), the layer rules
#   core     native tests: core (unit, property, fixture), protocol, the app's state
#   web      storage in headless Chromium (wasm-bindgen-test)
#   build    dist/ (trunk build --release)
#   e2e      the notebook helper's venv, then Playwright + Chromium against dist/
#
#   ./scripts/test.sh [stage ...]      (no stage: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
STAGES=(lint core web build e2e)
for stage in "$@"; do
  [[ " ${STAGES[*]} " == *" $stage "* ]] || { echo "unknown stage '$stage' (${STAGES[*]})" >&2; exit 2; }
done
(($# > 0)) || set -- "${STAGES[@]}"

bash scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

lint() {
  step "format"
  cargo fmt --all -- --check
  step "clippy (native and wasm32)"
  cargo clippy --workspace --all-targets -- -D warnings
  cargo clippy --target wasm32-unknown-unknown -p runlens -p runlens-web -p runlens-import-worker \
    --all-targets -- -D warnings
  step "layer rules (ARCHITECTURE.md), and the checker's own test"
  bash scripts/check_layers.sh
  bash scripts/check_layers_test.sh
}

core() {
  step "core, protocol and app-state tests (native)"
  cargo test --workspace
}

web() {
  step "storage tests (wasm-bindgen-test, headless Chromium)"
  cargo test --target wasm32-unknown-unknown -p runlens-web --test storage
}

build() {
  step "build dist/ (release)"
  trunk build --release
}

e2e() {
  step "python helper (.venv-py: pinned notebook test tools, runlens with the new snapshot template)"
  bash scripts/setup_python.sh
  step "end-to-end tests (Playwright + Chromium against dist/)"
  node --test tests/e2e/
}

for stage in "$@"; do
  "$stage"
done
