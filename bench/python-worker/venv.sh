#!/usr/bin/env bash
# Creates (once) the virtual environment of the benchmark's Python worker and prints its python.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
exec bash "$here/scripts/python-venv.sh" "$here/bench/python-worker/requirements.txt" \
    "${PYTHON_WORKER_VENV:-$here/.build/python-worker-venv}"
