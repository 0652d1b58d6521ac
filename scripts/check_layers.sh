#!/usr/bin/env bash
# Checks the import rules between the code's layers (ARCHITECTURE.md says why each
# holds): no file a rule covers may match the rule's forbidden pattern. Prints every
# violation as `file:line: why` and exits 1 if there is any.
#
# Only production code counts: comments are ignored, a file is read up to its first
# `#[cfg(test)]`, and files named tests.rs or under a tests/ folder are skipped (tests may
# drive a layer through the layers above it).
#
#   scripts/check_layers.sh [ROOT]     check the tree at ROOT (default: this repository)
#   scripts/check_layers.sh --rules    list the rules
set -euo pipefail
# Globs are matched against paths, never expanded against the disk.
set -f

# One rule a line:  files | forbidden | why
#   files:     globs relative to ROOT (`*` also matches `/`); a glob starting with `!`
#              leaves those files out.
#   forbidden: an extended regular expression (grep -E) matched against each code line.
RULES=(
  'crates/core/src/formats/* | \bcrate::import\b|\bsuper::(super::)*import\b | readers never import the registry: only import.rs names readers'
  'crates/core/src/formats/* | \bcrate::(transform|summary)\b | readers build runs; what the views compute from runs sits above them'
  'crates/core/src/formats/* !crates/core/src/formats/tables/* | \btables::(\{[^}]*)?\b(cell|claim|sniff|delimited|jsonl|layout|reader|stream)\b | other readers use the table reader through its public entry points, never its internals'
  'crates/core/src/confusion/* | \bcrate::(formats|import)\b | confusion matrices never import readers or the registry'
  'crates/core/src/transform/* | \bcrate::(formats|import)\b | transforms never import readers or the registry'
  'crates/core/src/source.rs crates/core/src/model.rs crates/core/src/report.rs crates/core/src/summary.rs crates/core/src/header.rs crates/core/src/key.rs crates/core/src/json_f64.rs crates/core/src/base64.rs | \bcrate::(formats|import|transform|confusion)\b | the bottom layers (model, report, summary, header, key, source, json_f64, base64) import nothing above them'
  'crates/core/src/text.rs | \bcrate:: | text.rs is the bottom of the crate: it imports nothing of it'
  # The app (src/LAYERS.md).
  'src/state/* | \b(yew|gloo|web_sys|js_sys|wasm_bindgen)\b|\bcrate::(browser|plot|hooks|workspace|components|app)\b | state/ is pure: reducers import only core, serde and std'
  'src/components/* src/hooks/* | \bstore\.|\brunlens_web::storage\b|\bStore\b | only workspace/ calls the store'
  'src/components/* | \bcrate::(workspace|app|components)\b|\bcrate::browser::(files|page|url_source|messages|snapshot|importer)\b | components render: they import hooks, state, plot, browser::download and core (children through super::)'
  'src/* !src/app/* !src/lib.rs | \bcrate::app\b | nothing imports app/'
  'src/* !src/hooks/contexts.rs | \.expect\( | the app expects nothing but a provided context (hooks/contexts.rs)'
  'src/plot/* src/browser/* | \bcrate::(components|hooks|workspace|app)\b | plot/ and browser/ sit below hooks, workspace and the views'
)

if [[ "${1:-}" == "--rules" ]]; then
  printf '%s\n' "${RULES[@]}"
  exit 0
fi

ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$ROOT"

trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

# Whether `file` is covered by the space-separated `globs`.
covered() {
  local file="$1" globs="$2" glob hit=1
  for glob in $globs; do
    if [[ "$glob" == '!'* ]]; then
      # shellcheck disable=SC2053 # the glob is meant as a pattern
      [[ "$file" == ${glob#!} ]] && return 1
    else
      # shellcheck disable=SC2053
      [[ "$file" == $glob ]] && hit=0
    fi
  done
  return $hit
}

# The production lines of a Rust file as `line:code`, comments removed.
code_lines() {
  awk '/^[[:space:]]*#\[cfg\(test\)\]/ { exit } { line = $0; sub(/\/\/.*/, "", line); print FNR ":" line }' "$1"
}

mapfile -t files < <(find . -name '*.rs' -not -path './target/*' -not -path './node_modules/*' \
  -not -path '*/tests/*' -not -name tests.rs | sed 's|^\./||' | sort)

violations=0
for rule in "${RULES[@]}"; do
  # Split on the last two `|`: the pattern itself may hold `|`.
  why="$(trim "${rule##*|}")"
  rest="${rule%|*}"
  globs="$(trim "${rule%%|*}")"
  pattern="$(trim "${rest#*|}")"
  for file in "${files[@]}"; do
    covered "$file" "$globs" || continue
    while IFS= read -r hit; do
      echo "$file:${hit%%:*}: $why"
      violations=$((violations + 1))
    done < <(code_lines "$file" | grep -E "^[0-9]+:.*($pattern)" || true)
  done
done

if ((violations > 0)); then
  echo "check_layers: $violations violation(s)" >&2
  exit 1
fi
echo "check_layers: ${#RULES[@]} rules hold"
