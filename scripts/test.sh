#!/usr/bin/env bash
# The whole test suite: unit lint, then every Swift test target (unit, in-process doubles, real binaries),
# with `make install`/`make uninstall` checked on the freshly built binaries before the Swift tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-units.sh
swift build --build-tests
bash scripts/check-packaging.sh "$(swift build --show-bin-path)"
swift test
