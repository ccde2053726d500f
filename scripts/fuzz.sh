#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ and runs each for a while.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]     targets: ipc-frame inbound-command kubeconfig
#
# Each library module is compiled straight from its sources with -sanitize=fuzzer,address into .build-fuzz/
# (never .build/). The kubeconfig harness is compiled *into* the KubeClient module, because the kubeconfig
# parser is internal. Seeds are read from Fuzz/corpus/<target>/ (never written); new inputs go to
# .build-fuzz/corpus/<target>/, crashes to .build-fuzz/artifacts/<target>/.
# Environment: FUZZ_OPT (default -O; safety checks stay on), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(ipc-frame inbound-command kubeconfig)

build=.build-fuzz
mods="$build/modules"
mkdir -p "$mods" "$build/lib" "$build/bin" "$build/obj/CYaml" "$build/scratch"

swift_flags=(-sanitize=fuzzer,address -package-name k8s_worker -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny
    "${FUZZ_OPT:--O}" -g -I "$mods" -use-ld=lld)

# lib <module> <sources...>: a static library plus its .swiftmodule.
lib() {
    local name="$1"
    shift
    echo "== building $name"
    swiftc "${swift_flags[@]}" -module-name "$name" -emit-module -emit-module-path "$mods/$name.swiftmodule" \
        -emit-library -static -o "$build/lib/lib$name.a" "$@"
}

need_events=0 need_ipc=0 need_kube=0
for target in "${targets[@]}"; do
    case "$target" in
    ipc-frame) need_ipc=1 ;;
    inbound-command) need_events=1 ;;
    kubeconfig) need_events=1 need_kube=1 ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
    esac
done

if ((need_events)); then
    mapfile -t events < <(find Sources/Libraries/Events -name '*.swift' | sort)
    lib Events "${events[@]}"
fi
if ((need_ipc || need_kube)); then
    # The platform layer (IPC's write lock, KubeClient's spawn and clock) over the CLinux shim.
    lib Platform -I Sources/Libraries/CLinux Sources/Libraries/Platform/*.swift
fi
if ((need_ipc)); then
    # IPC imports Glibc and Platform (its statistics are plain counters).
    lib IPC -I Sources/Libraries/CLinux Sources/IPC/*.swift
    swiftc "${swift_flags[@]}" -I Sources/Libraries/CLinux Fuzz/IPCFrameFuzz.swift -L "$build/lib" -lIPC -lPlatform \
        -o "$build/bin/ipc-frame"
fi
if ((need_events)) && [[ " ${targets[*]} " == *" inbound-command "* ]]; then
    swiftc "${swift_flags[@]}" Fuzz/InboundCommandFuzz.swift -L "$build/lib" -lEvents -o "$build/bin/inbound-command"
fi
if ((need_kube)); then
    yams="$build/checkouts/Yams/Sources"
    [[ -d "$yams" ]] || swift package --scratch-path "$build" resolve
    echo "== building CYaml"
    for c in "$yams"/CYaml/src/*.c; do
        clang -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" \
            "$c" -o "$build/obj/CYaml/$(basename "$c" .c).o"
    done
    rm -f "$build/lib/libCYaml.a"
    ar rcs "$build/lib/libCYaml.a" "$build"/obj/CYaml/*.o
    echo "== building Yams"
    swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 5 "${FUZZ_OPT:--O}" -g -I "$mods" \
        -I "$yams/CYaml/include" -Xcc -DYAML_DECLARE_STATIC -D SWIFT_PACKAGE -module-name Yams -emit-module \
        -emit-module-path "$mods/Yams.swiftmodule" -emit-library -static -o "$build/lib/libYams.a" \
        "$yams"/Yams/*.swift
    echo "== building KubeClient + kubeconfig harness"
    swiftc "${swift_flags[@]}" -module-name KubeClient -I Sources/Libraries/CCurl -I Sources/Libraries/CLinux -I "$yams/CYaml/include" \
        -Xcc -DYAML_DECLARE_STATIC Sources/Libraries/KubeClient/*.swift Sources/Libraries/KubeconfigLoading/*.swift Fuzz/KubeconfigFuzz.swift \
        -L "$build/lib" -lEvents -lPlatform -lYams -lCYaml -lcurl -o "$build/bin/kubeconfig"
fi

summary=()
for target in "${targets[@]}"; do
    corpus="$build/corpus/$target" artifacts="$build/artifacts/$target/" log="$build/$target.log"
    mkdir -p "$corpus" "$artifacts"
    echo "== fuzzing $target for ${seconds}s (log: $log)"
    status=0
    # shellcheck disable=SC2086
    FUZZ_SCRATCH_DIR="$build/scratch" "$build/bin/$target" "$corpus" "Fuzz/corpus/$target" \
        -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" ${FUZZ_ARGS:-} \
        </dev/null >"$log" 2>&1 || status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || true)
    line="$target: execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} exit=$status"
    if ((status != 0)); then
        line+=" CRASH: $(ls -t "$artifacts" | head -n 1) (see $log)"
    fi
    summary+=("$line")
    echo "$line"
done

echo "== summary"
printf '%s\n' "${summary[@]}"
for line in "${summary[@]}"; do [[ "$line" == *"exit=0" ]] || exit 1; done
