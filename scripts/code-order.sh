#!/usr/bin/env bash
# Regenerates linker/code-order.txt, the order in which lld lays out the code of the shipped binaries
# (Package.swift, README "Memory"): the functions `k8s-worker run` and its workers execute under
# valgrind's callgrind from start-up through 50 creates (mock Kafka, API simulator) to shutdown, hottest first.
# Run it after changes that move the service's code; a stale file only costs memory, never correctness.
# Needs valgrind and binutils (objcopy), which scripts/setup.sh installs. A release build directory that predates
# -function-sections needs a clean build: the compiler keeps an object whose code did not change even when only
# that code-generation option did.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --static-swift-stdlib)
swift build "${flags[@]}" --product k8s-worker
swift build "${flags[@]}" --product k8s-worker-process
swift build "${flags[@]}" --product k8s-worker-bench
bin="$(swift build "${flags[@]}" --show-bin-path)"
"$bin/k8s-worker-bench" --code-order linker/code-order.txt
# SwiftPM does not know the file is an input of the links: drop the binaries so that the next build relinks.
rm -f "$bin/k8s-worker" "$bin/k8s-worker-process"
