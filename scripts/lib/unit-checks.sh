# shellcheck shell=bash disable=SC2154  # sa, err and ok come from the sourcing script
# Shared by scripts/check-units.sh and scripts/check-packaging.sh. Source it after
# defining err/ok and the systemd-analyze command array `sa`.

max_score="2.5"          # exposure threshold, as printed by systemd-analyze
threshold="25"           # the same, in systemd-analyze --threshold= units (0..100)

# Copies the host's vendor units (sysinit.target, network-online.target,
# tmp.mount, ...) into ROOT, so that `systemd-analyze verify --root=ROOT` can
# resolve the dependencies of our unit. On non-merged-/usr systems
# /lib/systemd/system is a separate directory.
copy_vendor_units() { # root
    mkdir -p "$1/usr/lib/systemd"
    cp -a /usr/lib/systemd/system "$1/usr/lib/systemd/"
    if [[ -d /lib/systemd/system && ! /lib/systemd/system -ef /usr/lib/systemd/system ]]; then
        mkdir -p "$1/lib/systemd"
        cp -a /lib/systemd/system "$1/lib/systemd/"
    fi
}

# `systemd-analyze security --offline=yes` on a unit file: prints the failing
# items and the overall exposure line, fails above $max_score.
check_security() { # unit-file [label]
    local unit="$1" label="${2:-$(basename "$1")}" out rc line score
    echo "== systemd-analyze security --offline=yes --threshold=$threshold $label"
    if out="$("${sa[@]}" security --offline=yes --threshold="$threshold" \
                --no-pager "$unit" 2>&1)"; then rc=0; else rc=$?; fi
    # Keep only the failing items and the summary; the full table is long.
    printf '%s\n' "$out" | grep -v '^✓' | sed '/^$/d'
    line="$(printf '%s\n' "$out" | grep 'Overall exposure level' || true)"
    score="$(sed -E 's/.*: ([0-9]+\.[0-9]+).*/\1/' <<<"$line")"
    if [[ -z "$line" || ! "$score" =~ ^[0-9]+\.[0-9]+$ ]]; then
        err "$label: no exposure score found"
    elif [[ $rc -ne 0 ]] || awk -v s="$score" -v m="$max_score" 'BEGIN { exit !(s > m) }'; then
        err "$label: exposure $score > $max_score (systemd-analyze exit $rc)"
    else
        ok "$label: exposure $score <= $max_score"
    fi
}

# After sysusers and tmpfiles ran against ROOT: the k8s-worker system user and
# group exist, /etc/k8s-worker is root:k8s-worker 0750, and no /run/k8s-worker
# was made (RuntimeDirectory= owns that). Sets k8s_uid/k8s_gid.
check_applied_root() { # root
    local root="$1" pw gr home shell got
    pw="$(grep '^k8s-worker:' "$root/etc/passwd" || true)"
    gr="$(grep '^k8s-worker:' "$root/etc/group" || true)"
    IFS=: read -r _ _ k8s_uid k8s_gid _ home shell <<<"$pw"
    if [[ -z "$pw" || -z "$gr" ]]; then
        err "sysusers: k8s-worker user/group not created"
        return
    elif (( k8s_uid >= 1000 || k8s_uid == 0 )) || [[ "$home" != /nonexistent || "$shell" != /usr/sbin/nologin ]]; then
        err "sysusers: unexpected entry: $pw"
    else
        ok "sysusers: $pw"
    fi
    got="$(stat -c '%a %u %g' "$root/etc/k8s-worker" 2>/dev/null || echo missing)"
    if [[ "$got" == "750 0 $k8s_gid" ]]; then
        ok "tmpfiles: /etc/k8s-worker $got (mode uid gid)"
    else
        err "tmpfiles: /etc/k8s-worker is '$got', want '750 0 $k8s_gid'"
    fi
    if [[ -e "$root/run/k8s-worker" ]]; then
        err "tmpfiles: /run/k8s-worker created (RuntimeDirectory= does that at start)"
    else
        ok "tmpfiles: /run/k8s-worker left to RuntimeDirectory="
    fi
}
