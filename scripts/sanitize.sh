#!/usr/bin/env bash
# The test suite under a sanitizer: `scripts/sanitize.sh address|thread [filter regex ...]`.
# With no filter, the whole suite in one run; with several, one `swift test` process per filter (SKIP, a regex,
# is passed to each as --skip).
# Builds everything (tests, supervisor, workers, simulator) instrumented into .build-<sanitizer>/, then runs
# the tests from there; the integration tests start the instrumented binaries beside the test bundle.
# Suppressions, each with its reason, are in scripts/sanitizers/.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: scripts/sanitize.sh address|thread [filter regex ...]}"
shift
skip="${SKIP:-}"
case "$sanitizer" in
    address)
        # detect_leaks=0: LeakSanitizer needs ptrace, which the test sandbox may not allow, and Swift's
        # runtime keeps metadata caches for the life of the process by design.
        export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
        # The instrumented system carries about a third of the chaos test's rate; scale it to fit its time bound.
        export K8S_WORKER_CHAOS_SCALE="${K8S_WORKER_CHAOS_SCALE:-0.3}"
        ;;
    thread)
        export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/sanitizers/tsan.supp"
        # As under ASan: the instrumented system carries about a third of the chaos test's rate.
        export K8S_WORKER_CHAOS_SCALE="${K8S_WORKER_CHAOS_SCALE:-0.3}"
        ;;
    *) echo "unknown sanitizer: $sanitizer" >&2; exit 64 ;;
esac
scratch=".build-$sanitizer"
# Every instrumented process (the test runner, and the supervisors and workers it starts, which inherit the
# options) writes its reports under $reports; any file there fails the run, even from a worker that was
# replaced afterwards.
reports="$PWD/$scratch/sanitizer-reports"
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:log_path=$reports/report" TSAN_OPTIONS="${TSAN_OPTIONS:-}:log_path=$reports/report"
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
status=0
runs=("$@")
if [ ${#runs[@]} -eq 0 ]; then runs=(""); fi
for filter in "${runs[@]}"; do
    args=(--skip-build --sanitize="$sanitizer" --scratch-path "$scratch")
    if [ -n "$filter" ]; then args+=(--filter "$filter"); fi
    if [ -n "$skip" ]; then args+=(--skip "$skip"); fi
    echo "== swift test ${args[*]}"
    swift test "${args[@]}" || status=$?
done
if compgen -G "$reports/report*" >/dev/null; then
    echo "== sanitizer reports:" >&2
    for report in "$reports"/report*; do echo "-- $report" >&2; head -n 60 "$report" >&2; done
    status=1
fi
exit "$status"
