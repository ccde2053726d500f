# Convenience targets; the scripts are the source of truth.
.PHONY: build test bench check-units dev fuzz

build:
	swift build

test:
	./scripts/test.sh

check-units:
	./scripts/check-units.sh

bench:
	swift build -c release
	mkdir -p bench-results
	.build/release/k8s-worker-bench --output bench-results/ipc.json 2>/dev/null

dev: build
	.build/debug/k8s-worker run --config examples/dev.yaml

# libFuzzer harnesses in Fuzz/; FUZZ_SECONDS per target (builds under .build-fuzz/).
fuzz:
	./scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)
