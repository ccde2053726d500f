#!/usr/bin/env bash
# Creates (once) the virtual environment of the mixed-group test's aiokafka consumer and prints its python.
# Needs python3 with venv (scripts/setup.sh installs python3-venv) and PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${MIXED_GROUP_VENV:-$here/.build/aiokafka-venv}"
requirements="$here/scripts/mixed-group/requirements.txt"
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
    cp "$requirements" "$stamp"
fi
echo "$venv/bin/python"
