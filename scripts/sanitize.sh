#!/usr/bin/env bash
# The test suite under a sanitizer: `scripts/sanitize.sh address|thread [swift test filter]`.
# Builds everything (tests, supervisor, workers, simulator) instrumented into .build-<sanitizer>/, then runs
# the tests from there; the integration tests start the instrumented binaries beside the test bundle.
# Suppressions, each with its reason, are in scripts/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: scripts/sanitize.sh address|thread [filter]}"
filter="${2:-}"
case "$sanitizer" in
    address)
        # detect_leaks=0: LeakSanitizer needs ptrace, which the test sandbox may not allow, and Swift's
        # runtime keeps metadata caches for the life of the process by design.
        export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
        ;;
    thread)
        export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/sanitizers/tsan.supp"
        ;;
    *) echo "unknown sanitizer: $sanitizer" >&2; exit 64 ;;
esac
scratch=".build-$sanitizer"
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
args=(--skip-build --sanitize="$sanitizer" --scratch-path "$scratch")
if [ -n "$filter" ]; then args+=(--filter "$filter"); fi
swift test "${args[@]}"
