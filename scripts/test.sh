#!/usr/bin/env bash
# The whole test suite: the units' lint, the house style, which targets each shipped binary links
# (scripts/check-link-closure.sh), then every Swift test target (unit, in-process doubles, real binaries).
# Before the Swift tests, on the freshly built binaries: `make install`/`make uninstall` in throwaway roots, and
# the lint of the Dockerfile and the Kubernetes examples (their configurations through check-config).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-units.sh
# The house style (.swift-format, the toolchain's `swift format`): `swift format format -i -r` fixes what this finds.
swift format lint --recursive --strict --configuration .swift-format Sources Tools Tests Fuzz Package.swift
bash scripts/check-link-closure.sh
swift build --build-tests
bin="$(swift build --show-bin-path)"
bash scripts/check-packaging.sh "$bin"
bash scripts/lint-container.sh "$bin/k8s-worker"
swift test
