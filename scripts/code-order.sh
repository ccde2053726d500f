#!/usr/bin/env bash
# Regenerates linker/code-order.txt, the order in which lld lays out the code of the shipped binaries
# (Package.swift, README "Memory"): the functions `k8s-worker run` and its workers execute under
# valgrind's callgrind from start-up through 50 creates (mock Kafka, API simulator) to shutdown, hottest first.
# Run it after changes that move the service's code; a stale file only costs memory, never correctness.
# Needs valgrind and binutils (objcopy), which scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib)
swift build "${flags[@]}" --product k8s-worker
swift build "${flags[@]}" --product k8s-worker-process
swift build "${flags[@]}" --product k8s-worker-bench
"$(swift build "${flags[@]}" --show-bin-path)/k8s-worker-bench" --code-order linker/code-order.txt
