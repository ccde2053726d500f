#!/usr/bin/env bash
# The whole test suite: unit lint, then every Swift test target (unit, in-process doubles, real binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-units.sh
swift build --build-tests
swift test
