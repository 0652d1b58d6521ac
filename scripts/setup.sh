#!/usr/bin/env bash
# Installs everything runlens needs to build, serve and test, idempotently and pinned.
# Only crates.io, npm, Debian and rustup are used: no tool downloads its own binaries.
# A second run costs seconds: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must match the wasm-bindgen that Cargo.lock pins, exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Browser and driver for the browser tests and end-to-end tests, and clang, which compiles
# SQLite's C for wasm32 (MLflow's mlflow.db is read in the browser): Debian's packages.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v clang >/dev/null || missing+=(clang)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (cargo install, a few minutes once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, a few minutes once)"
  # Not --locked: one of its locked dependencies is gone from the index.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force --quiet
fi

# plotly.js's source and its bundler (esbuild), wasm-opt (binaryen) and playwright-core.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -f node_modules/plotly.js/lib/index-strict.js ] \
   || [ ! -x node_modules/.bin/esbuild ] || [ ! -d node_modules/playwright-core ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing pinned npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# plotly.js served from the app's own files: a partial strict bundle (only the trace types the
# app draws, no eval) built from that source into build/; skipped while up to date.
node scripts/plotly_bundle.mjs

say "ready (trunk $TRUNK_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, $(node_modules/.bin/wasm-opt --version))"
