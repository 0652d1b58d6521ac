#!/usr/bin/env bash
# Runs every test: formatting and lints, core natively, storage in headless Chromium
# (wasm-bindgen-test), then end to end with Playwright against the built dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p runlens -p runlens-web -p runlens-import-worker --all-targets -- -D warnings

step "core and protocol tests (native)"
cargo test --workspace

step "storage tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p runlens-web --test storage

step "build dist/ (release)"
trunk build --release

step "python helper (.venv-py: pinned notebook test tools, runlens with the new snapshot template)"
bash scripts/setup_python.sh

step "end-to-end tests (Playwright + Chromium against dist/)"
node --test tests/e2e/
