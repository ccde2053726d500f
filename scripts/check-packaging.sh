#!/usr/bin/env bash
# Checks `make install` / `make uninstall` in throwaway roots.
#
#   bash scripts/check-packaging.sh [BIN_DIR]
#
# BIN_DIR holds built k8s-worker and k8s-worker-process (default: `swift build --show-bin-path`, i.e. the
# debug build scripts/test.sh has just made); they are installed as they are, not rebuilt.
# Needs: systemd (systemd-analyze, systemd-sysusers, systemd-tmpfiles), make, root for the APPLY=1 part
# (chown in a scratch root). Changes nothing outside a temporary directory, which it removes on exit.
#
# Checks:
#  1. `make install DESTDIR=<tmp>` (staging, as for a package) installs exactly the expected files with the
#     expected modes, and nothing else.
#  2. The installed unit is the packaged k8s-worker.service with only /usr/bin/k8s-worker rewritten to
#     $PREFIX/bin/k8s-worker; `UNIT=notify-reload` installs the other variant under the same name.
#  3. `systemd-analyze verify --root=` on the installed unit is silent; with the installed supervisor binary
#     taken away it complains (so the check does look at the rewritten ExecStart=).
#  4. `systemd-analyze security --offline=yes` on the installed unit stays <= 2.5.
#  5. `systemd-sysusers --root=` and `systemd-tmpfiles --root= --create` on the staged tree create the user,
#     the group and /etc/k8s-worker root:k8s-worker 0750, and no /run/k8s-worker.
#  6. The installed binaries work from the installed path: --version, and a short `run` with the test
#     handler that starts k8s-worker-process from beside the supervisor and finishes one command.
#  7. The installed example configuration is valid apart from the one key an operator must set
#     (check-config exits 78 naming kafka.bootstrap_servers, and 0 once it is given).
#  8. APPLY=1 (what an install on a live machine does, here into a scratch root): user created,
#     config.yaml root:k8s-worker 0640; a second install keeps an edited config.yaml; uninstall removes
#     everything else, keeps the edited config, and removes the unedited one and its directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$(swift build --package-path "$here" --show-bin-path)}"
prefix="/usr/local"

fail=0
err() { echo "FAIL: $*" >&2; fail=1; }
ok() { echo "ok:   $*"; }
read -ra sa <<<"${SYSTEMD_ANALYZE:-systemd-analyze}"
# shellcheck source=scripts/lib/unit-checks.sh
source "$here/scripts/lib/unit-checks.sh"

for tool in "${sa[-1]}" systemd-sysusers systemd-tmpfiles make; do
    command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool not found" >&2; exit 2; }
done
for b in k8s-worker k8s-worker-process; do
    [[ -x "$bin/$b" ]] || { echo "FAIL: $bin/$b not built (swift build first, or pass BIN_DIR)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A stable umask, so that modes come from install.sh and not from the caller.
umask 022

make_install() { # target destdir [VAR=value...]
    local target="$1" dest="$2"
    shift 2
    make --no-print-directory -C "$here" "$target" DESTDIR="$dest" BIN_DIR="$bin" "$@" >"$work/make.log" 2>&1 ||
        { cat "$work/make.log"; err "make $target DESTDIR=$dest $*"; return 1; }
}

tree() { # root -> "mode type path" per entry below it, sorted
    (cd "$1" && find . -mindepth 1 -printf '%m %y %P\n' | sort -k3)
}

# ---- 1. staged install: files and modes -----------------------------------
echo "== make install DESTDIR=<tmp> (staging)"
dest="$work/dest"
make_install install "$dest"
expected="$(sort -k3 <<EOF
755 d etc
750 d etc/k8s-worker
640 f etc/k8s-worker/config.yaml
755 d usr
755 d usr/local
755 d usr/local/bin
755 f usr/local/bin/k8s-worker
755 f usr/local/bin/k8s-worker-process
755 d usr/local/lib
755 d usr/local/lib/systemd
755 d usr/local/lib/systemd/system
644 f usr/local/lib/systemd/system/k8s-worker.service
755 d usr/local/lib/sysusers.d
644 f usr/local/lib/sysusers.d/k8s-worker.conf
755 d usr/local/lib/tmpfiles.d
644 f usr/local/lib/tmpfiles.d/k8s-worker.conf
755 d usr/local/share
755 d usr/local/share/k8s-worker
644 f usr/local/share/k8s-worker/config.example.yaml
EOF
)"
if d="$(diff <(echo "$expected") <(tree "$dest"))"; then
    ok "installed tree: $(wc -l <<<"$expected") entries with the expected modes"
else
    echo "$d"; err "installed tree differs from the expected one (< expected, > installed)"
fi
for pair in "systemd/k8s-worker.sysusers usr/local/lib/sysusers.d/k8s-worker.conf" \
            "systemd/k8s-worker.tmpfiles usr/local/lib/tmpfiles.d/k8s-worker.conf" \
            "examples/systemd.yaml usr/local/share/k8s-worker/config.example.yaml" \
            "examples/systemd.yaml etc/k8s-worker/config.yaml"; do
    read -r src dst <<<"$pair"
    cmp -s "$here/$src" "$dest/$dst" && ok "$dst = $src" || err "$dst is not a copy of $src"
done
cmp -s "$bin/k8s-worker" "$dest$prefix/bin/k8s-worker" || err "installed k8s-worker is not the built one"

# ---- 2. the unit: only the binary path rewritten ---------------------------
echo "== installed unit"
unit="$dest$prefix/lib/systemd/system/k8s-worker.service"
if d="$(diff "$here/systemd/k8s-worker.service" "$unit")"; then
    err "unit not rewritten: it still names /usr/bin/k8s-worker"
elif diff -q <(sed "s|/usr/bin/k8s-worker|$prefix/bin/k8s-worker|g" "$here/systemd/k8s-worker.service") "$unit" >/dev/null; then
    ok "unit = systemd/k8s-worker.service with /usr/bin/k8s-worker -> $prefix/bin/k8s-worker ($(grep -c "$prefix/bin/k8s-worker" "$unit") lines)"
else
    echo "$d"; err "installed unit differs from the packaged one beyond the path"
fi
grep -qx "ExecStart=$prefix/bin/k8s-worker run --config /etc/k8s-worker/config.yaml" "$unit" &&
    ok "ExecStart=$prefix/bin/k8s-worker run --config /etc/k8s-worker/config.yaml" || err "ExecStart= not as expected"
dest_nr="$work/dest-nr"
make_install install "$dest_nr" UNIT=notify-reload
if grep -qx 'Type=notify-reload' "$dest_nr$prefix/lib/systemd/system/k8s-worker.service" &&
   grep -qx "ExecStart=$prefix/bin/k8s-worker run --config /etc/k8s-worker/config.yaml" "$dest_nr$prefix/lib/systemd/system/k8s-worker.service"; then
    ok "UNIT=notify-reload installs the notify-reload variant as k8s-worker.service, path rewritten"
else
    err "UNIT=notify-reload did not install the notify-reload unit"
fi

# ---- 3. systemd-analyze verify on the installed unit -----------------------
echo "== systemd-analyze verify --root=<copy of the installed tree>"
vroot="$work/vroot"
cp -a "$dest" "$vroot"
copy_vendor_units "$vroot"
if out="$("${sa[@]}" verify --root="$vroot" "$prefix/lib/systemd/system/k8s-worker.service" 2>&1)"; then rc=0; else rc=$?; fi
if [[ $rc -ne 0 || -n "$out" ]]; then
    echo "$out"; err "verify of the installed unit (exit $rc, output above)"
else
    ok "verify $prefix/lib/systemd/system/k8s-worker.service: no errors, no warnings"
fi
mv "$vroot$prefix/bin/k8s-worker" "$vroot/moved-away"
if out="$("${sa[@]}" verify --root="$vroot" "$prefix/lib/systemd/system/k8s-worker.service" 2>&1)"; then rc=0; else rc=$?; fi
if [[ $rc -ne 0 && "$out" == *"$prefix/bin/k8s-worker"* ]]; then
    ok "control: without $prefix/bin/k8s-worker verify fails (exit $rc) and names it"
else
    echo "$out"; err "control: verify did not notice the missing $prefix/bin/k8s-worker"
fi

# ---- 4. security score of the installed unit --------------------------------
check_security "$unit" "installed k8s-worker.service"

# ---- 5. sysusers / tmpfiles in the staged tree ------------------------------
echo "== systemd-sysusers / systemd-tmpfiles --root=<staged tree>"
systemd-sysusers --root="$dest" k8s-worker.conf || err "systemd-sysusers --root failed"
systemd-tmpfiles --root="$dest" --create k8s-worker.conf || err "systemd-tmpfiles --root --create failed"
check_applied_root "$dest"

# ---- 6. the installed binaries run from where they are ---------------------
echo "== installed binaries"
version="$("$dest$prefix/bin/k8s-worker" --version 2>&1)" && ok "k8s-worker --version: $version" ||
    err "installed k8s-worker --version failed: $version"
printf 'one\tnoop\n' >"$work/commands.txt"
if "$dest$prefix/bin/k8s-worker" run --set source.kind=lines --set source.path="$work/commands.txt" \
        --set source.stop_at_end=true --set source.journal="$work/journal.jsonl" --set workers.count=1 \
        --set workers.min_ready=1 --set workers.handler=test --set log.format=json \
        </dev/null >"$work/run.log" 2>&1; then rc=0; else rc=$?; fi
if [[ $rc -eq 0 && "$(wc -l <"$work/journal.jsonl" 2>/dev/null)" == 1 ]] &&
   grep -q "\"worker_executable\":\"$dest$prefix/bin/k8s-worker-process\"" "$work/run.log"; then
    ok "installed supervisor started $prefix/bin/k8s-worker-process beside it and finished 1 command (exit 0)"
else
    cat "$work/run.log"; err "installed supervisor run (exit $rc; journal: $(cat "$work/journal.jsonl" 2>/dev/null))"
fi

# ---- 7. the installed configuration -----------------------------------------
echo "== installed config.yaml"
config="$dest/etc/k8s-worker/config.yaml"
if out="$("$dest$prefix/bin/k8s-worker" check-config --config "$config" 2>&1)"; then rc=0; else rc=$?; fi
if [[ $rc -eq 78 && "$out" == *"kafka.bootstrap_servers: is required"* ]]; then
    ok "as installed: exit 78, only kafka.bootstrap_servers missing"
else
    echo "$out"; err "as installed: expected exit 78 for kafka.bootstrap_servers (got $rc)"
fi
if out="$("$dest$prefix/bin/k8s-worker" check-config --config "$config" --set kafka.bootstrap_servers=broker:9092 2>&1)"; then
    ok "with kafka.bootstrap_servers set: $out"
else
    echo "$out"; err "installed config.yaml invalid even with kafka.bootstrap_servers set"
fi

# ---- 8. APPLY=1: postinst steps, reinstall, uninstall ------------------------
echo "== APPLY=1 (live-install steps into a scratch root), reinstall, uninstall"
if [[ "$(id -u)" != 0 ]]; then
    echo "SKIP: APPLY=1 needs root (chown in the scratch root)"
else
    live="$work/live"
    make_install install "$live" APPLY=1
    gid="$(awk -F: '$1 == "k8s-worker" { print $3 }' "$live/etc/group" 2>/dev/null)"
    got="$(stat -c '%a %u %g' "$live/etc/k8s-worker/config.yaml")"
    [[ -n "$gid" && "$got" == "640 0 $gid" ]] && ok "APPLY=1: config.yaml $got (mode uid gid)" ||
        err "APPLY=1: config.yaml is '$got', want '640 0 ${gid:-<k8s-worker gid>}'"
    check_applied_root "$live"

    echo "# edited by the operator" >>"$live/etc/k8s-worker/config.yaml"
    before="$(sha256sum <"$live/etc/k8s-worker/config.yaml")"
    make_install install "$live" APPLY=1
    [[ "$(sha256sum <"$live/etc/k8s-worker/config.yaml")" == "$before" ]] &&
        grep -q '^kept /etc/k8s-worker/config.yaml' "$work/make.log" &&
        ok "reinstall kept the edited config.yaml and said so" || err "reinstall changed config.yaml"

    make_install uninstall "$live" APPLY=1
    left="$(cd "$live" && find . -mindepth 1 \( -type f -o -type l \) -printf '%P\n' | grep -vE '^etc/(\.pwd\.lock|(passwd|group|shadow|gshadow)-?)$' | sort)"
    [[ "$left" == "etc/k8s-worker/config.yaml" ]] && ok "uninstall removed everything but the edited config.yaml (and the user)" ||
        err "uninstall left: ${left:-nothing}"
    cp "$here/examples/systemd.yaml" "$live/etc/k8s-worker/config.yaml"
    make_install uninstall "$live" APPLY=1
    [[ ! -e "$live/etc/k8s-worker" ]] && ok "uninstall removed the unedited config.yaml and /etc/k8s-worker" ||
        err "uninstall kept an unedited config.yaml or /etc/k8s-worker"
fi

echo
if (( fail )); then
    echo "check-packaging: FAILED"
    exit 1
fi
echo "check-packaging: all checks passed"
