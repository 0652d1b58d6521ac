# Sourced by the scripts: puts the project's pinned wasm-opt (npm binaryen) first on PATH,
# where trunk looks for it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
