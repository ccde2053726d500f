# Convenience targets; the scripts are the source of truth.
.PHONY: build test bench check-units dev fuzz release install uninstall

# Installation (scripts/install.sh says what goes where): make install [DESTDIR=...] [PREFIX=/usr/local]
# [BIN_DIR=<prebuilt binaries>] [UNIT=auto|notify|notify-reload] [APPLY=0|1]
PREFIX ?= /usr/local
INSTALL_VARS = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BIN_DIR="$(BIN_DIR)" UNIT="$(UNIT)" APPLY="$(APPLY)"

build:
	swift build

test:
	./scripts/test.sh

check-units:
	./scripts/check-units.sh

# Release binaries with the Swift standard library linked in (what install uses).
release:
	$(INSTALL_VARS) ./scripts/install.sh build

install:
	$(INSTALL_VARS) ./scripts/install.sh install

uninstall:
	$(INSTALL_VARS) ./scripts/install.sh uninstall

# Every benchmark, on the binaries as shipped (release, static Swift standard library): a table on stdout and in
# bench-results/report.md, the numbers in bench-results/report.json. BENCH_FLAGS=--quick for a short run.
bench:
	swift build -c release --static-swift-stdlib
	mkdir -p bench-results
	.build/release/k8s-worker-bench $(BENCH_FLAGS) --output bench-results/report.json 2>bench-results/bench.log \
		| tee bench-results/report.md

dev: build
	.build/debug/k8s-worker run --config examples/dev.yaml

# libFuzzer harnesses in Fuzz/; FUZZ_SECONDS per target (builds under .build-fuzz/).
fuzz:
	./scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)
