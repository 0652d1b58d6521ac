#!/usr/bin/env bash
# Tests scripts/check_layers.sh on tiny trees in a temporary folder: a clean tree passes
# (comments, test sections and tests.rs files may name anything), and a tree with one
# planted violation of each rule fails, naming that file and line. Every rule needs a case
# below: adding a rule without one fails this test.
set -euo pipefail

CHECK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/check_layers.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# One planted violation per rule, in the order of `check_layers.sh --rules`:
#   file (relative to the repository) | the line put first in it
CASES=(
  'crates/core/src/formats/dvc/mod.rs | use crate::import::Registry;'
  'crates/core/src/formats/dvc/mod.rs | use crate::transform::group::aggregate;'
  'crates/core/src/formats/dvc/mod.rs | use crate::formats::tables::{cell, read_with_layout};'
  'crates/core/src/confusion/mod.rs | use crate::formats::tables::TableLayout;'
  'crates/core/src/transform/mod.rs | use crate::import::Registry;'
  'crates/core/src/model.rs | use crate::transform::table::RunsTable;'
  'crates/core/src/text.rs | use crate::model::Series;'
  'src/state/view.rs | use gloo::storage::LocalStorage;'
  'src/components/toolbar.rs | let runs = store.load_runs();'
  'src/components/toolbar.rs | use crate::browser::page::mode;'
  'src/hooks/visible.rs | use crate::app::App;'
  'src/components/toolbar.rs | let s = use_context::<S>().expect("s");'
  'src/plot/mod.rs | use crate::hooks::use_view;'
)

put() {
  mkdir -p "$(dirname "$1")"
  printf '%s\n' "$2" >"$1"
}

clean_tree() {
  local src="$1/crates/core/src"
  put "$src/lib.rs" 'pub mod formats;'
  put "$src/text.rs" 'use std::borrow::Cow;'
  put "$src/source.rs" 'use crate::model::Run;'
  put "$src/model.rs" 'use crate::json_f64;'
  put "$src/report.rs" 'use std::fmt;'
  put "$src/summary.rs" 'use crate::model::Run;'
  put "$src/json_f64.rs" 'use serde::Serialize;'
  put "$src/base64.rs" 'const A: u8 = 0;'
  put "$src/import.rs" 'use crate::formats::tables::TableReader;'
  put "$src/formats/tables/mod.rs" $'//! Layouts go to [`crate::import::Registry`] (a doc link, not an import).\nmod cell;'
  put "$src/formats/tables/cell.rs" $'use super::sniff::records;\nuse crate::text::parse_number;'
  put "$src/formats/dvc/mod.rs" $'use crate::formats::tables::read_with_layout; // not crate::import\nuse crate::source::SourceReader;\n\n#[cfg(test)]\nmod tests {\n    use crate::import::Registry;\n}'
  put "$src/formats/wandb/tests.rs" 'use crate::import::Registry;'
  put "$src/confusion/mod.rs" 'use crate::text::parse_number;'
  put "$src/transform/mod.rs" 'use crate::summary::RunMeta;'
  local app="$1/src"
  put "$app/lib.rs" $'mod app;\npub fn start() { app::App::start(); }'
  put "$app/app/mod.rs" 'use crate::components::toolbar::Toolbar;'
  put "$app/state/view.rs" $'//! Persisted by the root\'s effect, not with gloo here.\nuse runlens_core::transform::chart::XSource;'
  put "$app/hooks/contexts.rs" $'use crate::workspace::WorkspaceService;\nfn p() { use_context::<T>().expect("provided"); }'
  put "$app/hooks/visible.rs" 'use crate::state::ViewState;'
  put "$app/workspace/service.rs" $'use runlens_web::storage::Store;\nfn r(store: &Store) { store.load_runs(); }'
  put "$app/components/toolbar.rs" $'use crate::browser::download::download;\nuse crate::hooks::use_view;\nuse super::chooser::Chooser;'
  put "$app/plot/mod.rs" 'use crate::state::ViewState;'
  put "$app/browser/page.rs" 'use crate::state::Tab;'
}

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

rules=$("$CHECK" --rules | wc -l)
if ((rules != ${#CASES[@]})); then
  fail "check_layers.sh has $rules rules but this test plants ${#CASES[@]} violations"
fi

clean_tree "$WORK/clean"
if ! out=$("$CHECK" "$WORK/clean" 2>&1); then
  fail "the clean tree does not pass: $out"
fi

for i in "${!CASES[@]}"; do
  case="${CASES[$i]}"
  file="${case%% | *}"
  line="${case#* | }"
  tree="$WORK/case$i"
  cp -r "$WORK/clean" "$tree"
  target="$tree/$file"
  { printf '%s\n' "$line"; cat "$target"; } >"$target.new"
  mv "$target.new" "$target"
  if out=$("$CHECK" "$tree" 2>&1); then
    fail "rule $((i + 1)): '$line' in $file passes"
  elif ! grep -q "^$file:1: " <<<"$out"; then
    fail "rule $((i + 1)): the report does not name $file:1: $out"
  elif (($(grep -cE "^(crates|src)/" <<<"$out") != 1)); then
    fail "rule $((i + 1)): more than the planted violation reported: $out"
  fi
done

if ((failures > 0)); then
  echo "check_layers_test: $failures failure(s)" >&2
  exit 1
fi
echo "check_layers_test: the clean tree passes, each of the ${#CASES[@]} planted violations fails"
