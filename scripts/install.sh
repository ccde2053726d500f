#!/usr/bin/env bash
# Installs or removes k8s-worker. `make install` / `make uninstall` / `make release` call this.
#
#   scripts/install.sh build        build the release binaries (static Swift standard library)
#   scripts/install.sh install      install (builds first unless BIN_DIR is given)
#   scripts/install.sh uninstall    remove what install put there (keeps an edited config and the user)
#
# Settings (environment; make passes its variables of the same names):
#   DESTDIR  staging root for packaging; empty (default) = this machine.
#   PREFIX   default /usr/local. Binaries go to $PREFIX/bin, the unit to $PREFIX/lib/systemd/system,
#            sysusers.d and tmpfiles.d files to $PREFIX/lib/{sysusers.d,tmpfiles.d}, the shipped example
#            configuration to $PREFIX/share/k8s-worker. systemd reads all of these for /usr/local and /usr.
#            The configuration itself is always /etc/k8s-worker/config.yaml (the unit reads it there).
#   BIN_DIR  a directory holding prebuilt k8s-worker and k8s-worker-process; empty = build them here with
#            `swift build -c release --static-swift-stdlib` (so they need no Swift runtime on the host).
#   UNIT     notify | notify-reload | auto (default). auto picks notify-reload (systemd >= 253) only when
#            installing to this machine (DESTDIR empty) and its systemd is >= 253; otherwise notify, which
#            works on every systemd from 252 on. Both are installed as k8s-worker.service.
#   APPLY    1 = create the k8s-worker user and group (systemd-sysusers), fix /etc/k8s-worker
#            (systemd-tmpfiles) and give a newly installed config.yaml to group k8s-worker, inside
#            ${DESTDIR:-/}: what a package's postinst does. Default: 1 without DESTDIR, 0 with it.
#            On this machine it also runs `systemctl daemon-reload` (and uninstall stops and disables the
#            unit first). It never enables or starts the service.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
action="${1:-}"
DESTDIR="${DESTDIR:-}"
PREFIX="${PREFIX:-/usr/local}"
BIN_DIR="${BIN_DIR:-}"
UNIT="${UNIT:-auto}"
if [[ -z "${APPLY:-}" ]]; then
    if [[ -z "$DESTDIR" ]]; then APPLY=1; else APPLY=0; fi
fi

die() { echo "install.sh: $*" >&2; exit 1; }
[[ "$PREFIX" == /* && "$PREFIX" != *"|"* ]] || die "PREFIX must be an absolute path without '|' (got '$PREFIX')"
[[ -z "$DESTDIR" || "$DESTDIR" == /* ]] || die "DESTDIR must be an absolute path (got '$DESTDIR')"
PREFIX="${PREFIX%/}"

bindir="$PREFIX/bin"
unitdir="$PREFIX/lib/systemd/system"
sysusersdir="$PREFIX/lib/sysusers.d"
tmpfilesdir="$PREFIX/lib/tmpfiles.d"
datadir="$PREFIX/share/k8s-worker"
confdir="/etc/k8s-worker"
root="${DESTDIR:-/}"
example="$here/examples/systemd.yaml"
# The service only: the demo (k8s-worker-demo, with its Kubernetes API simulator) runs from the build directory.
binaries=(k8s-worker k8s-worker-process)

build() {
    command -v swift >/dev/null || die "swift is not on PATH; build elsewhere and pass BIN_DIR"
    local flags=(-c release --static-swift-stdlib --package-path "$here")
    for product in "${binaries[@]}"; do swift build "${flags[@]}" --product "$product"; done
    BIN_DIR="$(swift build "${flags[@]}" --show-bin-path)"
}

systemd_major() { # the running machine's systemd version, or 0
    command -v systemctl >/dev/null 2>&1 || { echo 0; return; }
    systemctl --version 2>/dev/null | awk 'NR == 1 { v = $2; sub(/[^0-9].*/, "", v); print v + 0 }'
}

unit_source() {
    local variant="$UNIT"
    if [[ "$variant" == auto ]]; then
        variant=notify
        if [[ -z "$DESTDIR" ]] && (( $(systemd_major) >= 253 )); then variant=notify-reload; fi
    fi
    case "$variant" in
        notify) echo "$here/systemd/k8s-worker.service" ;;
        notify-reload) echo "$here/systemd/k8s-worker-notify-reload.service" ;;
        *) die "UNIT must be notify, notify-reload or auto (got '$UNIT')" ;;
    esac
}

live_systemd() { [[ -z "$DESTDIR" && -d /run/systemd/system ]]; }

install_all() {
    if [[ -z "$BIN_DIR" ]]; then build; fi
    for bin in "${binaries[@]}"; do
        [[ -x "$BIN_DIR/$bin" ]] || die "$BIN_DIR/$bin is missing or not executable"
    done
    if ldd "$BIN_DIR/k8s-worker" 2>/dev/null | grep -q 'libswiftCore'; then
        echo "install.sh: warning: $BIN_DIR/k8s-worker links the Swift runtime dynamically;" \
             "it runs only where that runtime is (build with 'make release' for a self-contained one)" >&2
    fi
    local unit
    unit="$(unit_source)"

    # Both binaries in one directory: the supervisor starts k8s-worker-process from beside itself
    # (workers.executable empty, WorkerLauncher.defaultExecutable).
    install -d -m 0755 "$DESTDIR$bindir" "$DESTDIR$unitdir" "$DESTDIR$sysusersdir" "$DESTDIR$tmpfilesdir" "$DESTDIR$datadir"
    for bin in "${binaries[@]}"; do install -m 0755 "$BIN_DIR/$bin" "$DESTDIR$bindir/$bin"; done

    # The packaged unit names /usr/bin/k8s-worker; point ExecStart=/ExecReload= at where it is installed.
    local rewritten
    rewritten="$(mktemp)"
    sed "s|/usr/bin/k8s-worker|$bindir/k8s-worker|g" "$unit" >"$rewritten"
    install -m 0644 "$rewritten" "$DESTDIR$unitdir/k8s-worker.service"
    rm -f "$rewritten"
    install -m 0644 "$here/systemd/k8s-worker.sysusers" "$DESTDIR$sysusersdir/k8s-worker.conf"
    install -m 0644 "$here/systemd/k8s-worker.tmpfiles" "$DESTDIR$tmpfilesdir/k8s-worker.conf"
    install -m 0644 "$example" "$DESTDIR$datadir/config.example.yaml"

    # The configuration: only if there is none. An operator's file is never touched.
    install -d -m 0750 "$DESTDIR$confdir"
    local fresh=0
    if [[ -e "$DESTDIR$confdir/config.yaml" ]]; then
        echo "kept $confdir/config.yaml (exists); the shipped example is $datadir/config.example.yaml"
    else
        install -m 0640 "$example" "$DESTDIR$confdir/config.yaml"
        fresh=1
    fi

    if [[ "$APPLY" == 1 ]]; then
        systemd-sysusers --root="$root" k8s-worker.conf
        systemd-tmpfiles --root="$root" --create k8s-worker.conf
        if (( fresh )); then
            local gid
            gid="$(awk -F: '$1 == "k8s-worker" { print $3 }' "$root/etc/group")"
            [[ -n "$gid" ]] || die "group k8s-worker missing after systemd-sysusers"
            chown "0:$gid" "$DESTDIR$confdir/config.yaml"
        fi
        if live_systemd; then systemctl daemon-reload; fi
    fi

    echo "installed k8s-worker into ${DESTDIR:-/} (prefix $PREFIX, unit $(basename "$unit"))"
    if [[ "$APPLY" != 1 ]]; then
        echo "not applied (DESTDIR set): on the target, run systemd-sysusers k8s-worker.conf," \
             "systemd-tmpfiles --create k8s-worker.conf, chgrp k8s-worker $confdir/config.yaml"
    fi
    cat <<EOF
next:
  1. edit $confdir/config.yaml (kafka.bootstrap_servers is required; every key: k8s-worker config-reference)
  2. kubeconfig: install -o root -g k8s-worker -m 0640 <file> $confdir/kubeconfig
  3. $bindir/k8s-worker check-config --config $confdir/config.yaml
  4. systemctl enable --now k8s-worker.service
EOF
}

uninstall_all() {
    if [[ "$APPLY" == 1 ]] && live_systemd; then
        systemctl disable --now k8s-worker.service 2>/dev/null || true
    fi
    rm -f "${binaries[@]/#/$DESTDIR$bindir/}" \
        "$DESTDIR$unitdir/k8s-worker.service" \
        "$DESTDIR$sysusersdir/k8s-worker.conf" \
        "$DESTDIR$tmpfilesdir/k8s-worker.conf" \
        "$DESTDIR$datadir/config.example.yaml"
    rmdir "$DESTDIR$datadir" 2>/dev/null || true
    # The configuration goes only if it is the unedited example; the directory only if then empty.
    if [[ -f "$DESTDIR$confdir/config.yaml" ]] && cmp -s "$example" "$DESTDIR$confdir/config.yaml"; then
        rm -f "$DESTDIR$confdir/config.yaml"
    elif [[ -e "$DESTDIR$confdir/config.yaml" ]]; then
        echo "kept $confdir/config.yaml (edited)"
    fi
    rmdir "$DESTDIR$confdir" 2>/dev/null || echo "kept $confdir (not empty)"
    if [[ "$APPLY" == 1 ]] && live_systemd; then systemctl daemon-reload; fi
    # Like distribution packages, the system user stays: files it owned may remain, and a reused UID
    # would hand them to someone else.
    echo "removed k8s-worker from ${DESTDIR:-/} (user and group k8s-worker kept)"
}

case "$action" in
    build) build; echo "built: $BIN_DIR/k8s-worker $BIN_DIR/k8s-worker-process" ;;
    install) install_all ;;
    uninstall) uninstall_all ;;
    *) die "usage: scripts/install.sh build|install|uninstall" ;;
esac
