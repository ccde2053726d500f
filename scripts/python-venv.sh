#!/usr/bin/env bash
# usage: scripts/python-venv.sh REQUIREMENTS VENV
# Creates the virtual environment VENV from the pinned REQUIREMENTS (PyPI), again whenever the file changed, and
# prints its python. Needs python3 with venv (scripts/setup.sh installs python3-venv). Used by the mixed-group test
# (scripts/mixed-group) and the benchmark's Python worker (bench/python-worker).
set -euo pipefail
requirements="$1"
venv="$2"
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
echo "$venv/bin/python"
