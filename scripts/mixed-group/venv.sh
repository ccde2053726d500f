#!/usr/bin/env bash
# Creates (once) the virtual environment of the mixed-group test's aiokafka consumer and prints its python.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
exec bash "$here/scripts/python-venv.sh" "$here/scripts/mixed-group/requirements.txt" \
    "${MIXED_GROUP_VENV:-$here/.build/aiokafka-venv}"
