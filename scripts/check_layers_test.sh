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
#   file (relative to crates/core/src) | the line put first in it
CASES=(
  'formats/dvc/mod.rs | use crate::import::Registry;'
  'formats/dvc/mod.rs | use crate::transform::group::aggregate;'
  'formats/dvc/mod.rs | use crate::formats::tables::{cell, read_with_layout};'
  'confusion/mod.rs | use crate::formats::tables::TableLayout;'
  'transform/mod.rs | use crate::import::Registry;'
  'model.rs | use crate::transform::table::RunsTable;'
  'text.rs | use crate::model::Series;'
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
  target="$tree/crates/core/src/$file"
  { printf '%s\n' "$line"; cat "$target"; } >"$target.new"
  mv "$target.new" "$target"
  if out=$("$CHECK" "$tree" 2>&1); then
    fail "rule $((i + 1)): '$line' in $file passes"
  elif ! grep -q "^crates/core/src/$file:1: " <<<"$out"; then
    fail "rule $((i + 1)): the report does not name $file:1: $out"
  elif (($(grep -c "^crates/core/src/" <<<"$out") != 1)); then
    fail "rule $((i + 1)): more than the planted violation reported: $out"
  fi
done

if ((failures > 0)); then
  echo "check_layers_test: $failures failure(s)" >&2
  exit 1
fi
echo "check_layers_test: the clean tree passes, each of the ${#CASES[@]} planted violations fails"
