#!/usr/bin/env bash
# Creates .venv-py/ (the Python of the notebook helper's tests), idempotently: the pinned
# python/requirements-test.txt, then `pip install ./python` with the app's snapshot template.
# Each step runs only when its inputs changed (stamps in .venv-py/), so a second run costs
# well under a second. Run it after `trunk build --release`, so that the installed package
# carries the template just built (dist/snapshot.html, copied to python/runlens/_app/).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-py
PY=${PYTHON:-python3}
say() { printf '\033[1m[setup-python]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-64; }

# Debian's python3 has venv and ensurepip in a package of their own.
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  say "installing python3-venv (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
fi

# A venv made by another Python (or moved) is made anew.
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  say "$VENV is broken: recreating it"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV ($("$PY" --version))"
  "$PY" -m venv "$VENV"
fi

want=$(hash_of python/requirements-test.txt)
if [ "$(cat "$VENV/.requirements-stamp" 2>/dev/null)" != "$want" ]; then
  say "installing python/requirements-test.txt (pinned)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r python/requirements-test.txt
  echo "$want" > "$VENV/.requirements-stamp"
fi

# The template: the build copies dist/snapshot.html here; copy it too when the build is newer
# (a build made before the copy step existed, or run without it).
TEMPLATE=python/runlens/_app/snapshot.html
if [ -f dist/snapshot.html ] && ! cmp -s dist/snapshot.html "$TEMPLATE"; then
  say "copying dist/snapshot.html to $TEMPLATE"
  cp dist/snapshot.html "$TEMPLATE"
fi

# The package: reinstalled when its files or the template changed.
mapfile -t pkg_files < <(find python/pyproject.toml python/README.md python/runlens -type f \
  -not -path '*/__pycache__/*' -not -name '*.pyc' | LC_ALL=C sort)
want=$(hash_of "${pkg_files[@]}")
if [ "$(cat "$VENV/.package-stamp" 2>/dev/null)" != "$want" ]; then
  say "installing ./python (runlens)"
  # No build isolation: the pinned setuptools above builds it, with no download.
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation \
    --force-reinstall ./python
  rm -rf python/build python/*.egg-info
  echo "$want" > "$VENV/.package-stamp"
fi

if [ -f "$TEMPLATE" ]; then
  say "ready ($("$VENV/bin/python" --version), runlens with the snapshot template)"
else
  say "ready ($("$VENV/bin/python" --version)); no snapshot template yet: runlens.show fails" \
    "until \`trunk build --release\` has written dist/snapshot.html and this script runs again"
fi
