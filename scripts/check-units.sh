#!/usr/bin/env bash
# Static checks for the systemd integration files in systemd/.
#
#   bash scripts/check-units.sh
#
# Needs: systemd (systemd-analyze, systemd-sysusers, systemd-tmpfiles).
# SYSTEMD_ANALYZE="<command words>" uses another systemd-analyze, e.g. one
# unpacked from a newer systemd package, to check the notify-reload unit with
# systemd >= 253:
#   SYSTEMD_ANALYZE="env LD_LIBRARY_PATH=$d/usr/lib/x86_64-linux-gnu/systemd $d/usr/bin/systemd-analyze"
# Does not need the k8s-worker binaries, a running systemd, or root. It
# changes nothing outside a temporary directory, which it removes on exit.
#
# Checks:
#  1. `systemd-analyze verify` on k8s-worker.service: any output or non-zero
#     exit fails. verify insists that ExecStart= binaries exist, so it runs
#     with --root=<tmpdir>. That tree holds stub /usr/bin/k8s-worker*, copies
#     of the units, and a copy of the host's /usr/lib/systemd/system (for
#     sysinit.target, network-online.target, ...). Nothing is written to the
#     real /usr/bin.
#  2. The same for k8s-worker-notify-reload.service. That unit needs
#     systemd >= 253. On older systemd, exactly the two expected "unknown
#     type/key" warnings are allowed, and anything else fails.
#  3. The two units are identical apart from the intended differences.
#  4. The SystemCallFilter= result still allows the syscalls the supervisor
#     needs (posix_spawn, prctl, socketpair, epoll, timerfd, ...).
#  5. Exec*= helpers not shipped by us (/bin/kill) exist on this machine
#     (warning only: verify on 252 does not check ExecReload=).
#  6. `systemd-analyze security --offline=yes --threshold=25` on each unit:
#     prints the overall exposure line and fails if the score is above 2.5.
#  7. The sysusers.d and tmpfiles.d files apply cleanly inside a scratch
#     root and produce the expected owners and modes. (systemd-tmpfiles 252
#     has no --dry-run, so --root=<tmpdir> is used instead.) /run/k8s-worker
#     must NOT be made: the unit's RuntimeDirectory= owns it.
# The installed tree (`make install`) is checked by scripts/check-packaging.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sd="$here/systemd"
unit_main="k8s-worker.service"
unit_nr="k8s-worker-notify-reload.service"
fail=0
err() { echo "FAIL: $*" >&2; fail=1; }
ok() { echo "ok:   $*"; }
warn() { echo "WARN: $*" >&2; }

read -ra sa <<<"${SYSTEMD_ANALYZE:-systemd-analyze}"
# shellcheck source=scripts/lib/unit-checks.sh
source "$here/scripts/lib/unit-checks.sh"
for tool in "${sa[-1]}" systemd-sysusers systemd-tmpfiles; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "FAIL: $tool not found (Debian: apt-get install -y systemd)" >&2
        exit 2
    }
done

sd_version="$("${sa[@]}" --version | awk 'NR==1 {print $2}')"
sd_major="${sd_version%%[!0-9]*}"
echo "systemd-analyze: systemd $sd_version"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ---- scratch root for `verify` -------------------------------------------
root="$work/root"
mkdir -p "$root/usr/bin" "$root/etc/systemd/system"
for bin in k8s-worker k8s-worker-process; do
    printf '#!/bin/sh\nexit 0\n' >"$root/usr/bin/$bin"
    chmod 0755 "$root/usr/bin/$bin"
done
copy_vendor_units "$root"
cp "$sd/$unit_main" "$sd/$unit_nr" "$root/etc/systemd/system/"

run_verify() { # unit -> prints combined output, returns verify's status
    "${sa[@]}" verify --root="$root" "/etc/systemd/system/$1" 2>&1
}

# ---- 1. verify the systemd-252 unit ---------------------------------------
echo "== systemd-analyze verify $unit_main"
if out="$(run_verify "$unit_main")"; then rc=0; else rc=$?; fi
[[ -n "$out" ]] && echo "$out"
if [[ $rc -ne 0 || -n "$out" ]]; then
    err "verify $unit_main (exit $rc, output above)"
else
    ok "verify $unit_main: no errors, no warnings"
fi

# ---- 2. verify the notify-reload unit -------------------------------------
echo "== systemd-analyze verify $unit_nr"
if out="$(run_verify "$unit_nr")"; then rc=0; else rc=$?; fi
[[ -n "$out" ]] && echo "$out"
if (( sd_major >= 253 )); then
    if [[ $rc -ne 0 || -n "$out" ]]; then
        err "verify $unit_nr (exit $rc, output above)"
    else
        ok "verify $unit_nr: no errors, no warnings (systemd $sd_major supports notify-reload)"
    fi
else
    # systemd < 253 does not know Type=notify-reload or ReloadSignal=. It
    # ignores both, so everything else in the file is still checked. Allow
    # exactly these two messages and nothing else.
    unexpected="$(printf '%s\n' "$out" | grep -v \
        -e 'Failed to parse service type, ignoring: notify-reload$' \
        -e "Unknown key 'ReloadSignal' in section \[Service\], ignoring\.$" \
        -e '^$' || true)"
    expected_n="$(printf '%s\n' "$out" | grep -c \
        -e 'Failed to parse service type, ignoring: notify-reload$' \
        -e "Unknown key 'ReloadSignal' in section \[Service\], ignoring\.$" || true)"
    if [[ $rc -ne 0 || -n "$unexpected" || "$expected_n" -ne 2 ]]; then
        err "verify $unit_nr on systemd $sd_major (exit $rc; unexpected: ${unexpected:-none}; expected warnings seen: $expected_n/2)"
    else
        ok "verify $unit_nr: clean apart from the 2 expected warnings (systemd $sd_major < 253:" \
           "Type=notify-reload and ReloadSignal= themselves NOT verified)"
    fi
fi

# ---- 3. the two units must not drift apart --------------------------------
echo "== $unit_main vs $unit_nr (settings only, comments ignored)"
settings() { # strip comments/blank lines and the lines that are meant to differ
    grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1" |
        grep -v -e '^Description=' -e '^Type=' -e '^ReloadSignal=' \
                -e '^ExecReload=/bin/kill -HUP \$MAINPID$'
}
if d="$(diff <(settings "$sd/$unit_main") <(settings "$sd/$unit_nr"))"; then
    grep -qx 'Type=notify' "$sd/$unit_main" || err "$unit_main: Type=notify missing"
    grep -qx 'Type=notify-reload' "$sd/$unit_nr" || err "$unit_nr: Type=notify-reload missing"
    grep -qx 'ReloadSignal=SIGHUP' "$sd/$unit_nr" || err "$unit_nr: ReloadSignal=SIGHUP missing"
    grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$sd/$unit_main" || err "$unit_main: kill -HUP ExecReload missing"
    ! grep -q '^ExecReload=.*kill' "$sd/$unit_nr" || err "$unit_nr: must not send its own SIGHUP (notify-reload does)"
    ok "units in sync (only Description/Type/ReloadSignal/kill line differ)"
else
    echo "$d"
    err "units drifted apart (diff above)"
fi

# ---- 4. syscall filter keeps what the supervisor needs --------------------
expand() { # @group or syscall -> syscalls, nested groups expanded
    if [[ $1 != @* ]]; then echo "$1"; return; fi
    "${sa[@]}" syscall-filter --no-pager "$1" 2>/dev/null |
        awk 'NR > 1 && $1 !~ /^#/ && NF { print $1 }' |
        while read -r s; do expand "$s"; done
}
for unit in "$unit_main" "$unit_nr"; do
    echo "== SystemCallFilter= of $unit"
    mapfile -t filt < <(sed -n 's/^SystemCallFilter=//p' "$sd/$unit")
    if (( ${#filt[@]} == 0 )) || [[ ${filt[0]} == "~"* ]]; then
        # This check models an allow-list followed by deny lines only.
        err "$unit: first SystemCallFilter= must be an allow-list"
        continue
    fi
    allow=() deny=()
    for line in "${filt[@]}"; do
        if [[ $line == "~"* ]]; then read -ra w <<<"${line#\~}"; deny+=("${w[@]}")
        else read -ra w <<<"$line"; allow+=("${w[@]}"); fi
    done
    echo "   allow: ${allow[*]}   deny: ${deny[*]}"
    allowed="$(comm -23 <(for g in "${allow[@]}"; do expand "$g"; done | sort -u) \
                        <(for g in "${deny[@]}"; do expand "$g"; done | sort -u))"
    missing=()
    for s in fork vfork clone clone3 execve execveat prctl socketpair socket \
             connect bind listen accept4 sendmsg recvmsg setsockopt getsockopt \
             epoll_create1 epoll_ctl epoll_wait epoll_pwait \
             timerfd_create timerfd_settime timerfd_gettime eventfd2 \
             kill tgkill wait4 waitid pidfd_open pipe2 dup3 close_range fcntl \
             rt_sigaction rt_sigprocmask sigaltstack mmap mprotect munmap madvise \
             futex getrandom prlimit64 sched_getaffinity sched_yield; do
        grep -qx "$s" <<<"$allowed" || missing+=("$s")
    done
    if (( ${#missing[@]} )); then
        err "$unit: syscalls the supervisor needs are filtered out: ${missing[*]}"
    else
        ok "$unit: fork/clone/execve/prctl/socketpair/epoll/timerfd/... remain allowed ($(wc -l <<<"$allowed") syscalls allowed)"
    fi
    denied_hit=()
    for s in setrlimit sched_setscheduler setuid chroot mount ptrace; do
        grep -qx "$s" <<<"$allowed" && denied_hit+=("$s")
    done
    if (( ${#denied_hit[@]} )); then
        err "$unit: syscalls that should be denied are allowed: ${denied_hit[*]}"
    fi
done

# ---- 5. helpers that verify does not check --------------------------------
echo "== Exec*= helpers"
while read -r path; do
    case "$path" in
        /usr/bin/k8s-worker|/usr/bin/k8s-worker-process) ;;  # ours, stubbed above
        *)  if [[ -x "$path" ]]; then ok "$path exists"
            else warn "$path not present on this machine (package must depend on its provider)"; fi ;;
    esac
done < <(grep -h -E '^Exec[A-Za-z]*=' "$sd/$unit_main" "$sd/$unit_nr" |
         sed -E 's/^[^=]*=[-@:+!]*//; s/[[:space:]].*//' | sort -u)

# ---- 6. security exposure --------------------------------------------------
for unit in "$unit_main" "$unit_nr"; do check_security "$sd/$unit"; done

# ---- 7. sysusers.d / tmpfiles.d -------------------------------------------
echo "== sysusers.d / tmpfiles.d"
sroot="$work/sysroot"
mkdir -p "$sroot/etc" "$sroot/run"
if out="$(systemd-sysusers --root="$sroot" "$sd/k8s-worker.sysusers" 2>&1)"; then
    echo "$out"
else
    echo "$out"; err "systemd-sysusers rejected k8s-worker.sysusers"
fi
if out="$(systemd-tmpfiles --root="$sroot" --create "$sd/k8s-worker.tmpfiles" 2>&1)"; then
    [[ -n "$out" ]] && { echo "$out"; err "systemd-tmpfiles printed warnings"; }
else
    echo "$out"; err "systemd-tmpfiles rejected k8s-worker.tmpfiles"
fi
check_applied_root "$sroot"

echo
if (( fail )); then
    echo "check-units: FAILED"
    exit 1
fi
echo "check-units: all checks passed"
