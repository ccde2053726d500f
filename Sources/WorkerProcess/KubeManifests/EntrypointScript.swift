/// The executor entrypoint: a POSIX `sh` script that implements upstream's in-pod protocol (docs/upstream-contract.md §4.4),
/// embedded in the binary so a missing file can never silently swap in another protocol (docs/decisions.md, D4.3).
///
/// It is stored in each execution's ConfigMap under ``fileName`` and run as
/// `/bin/sh /entry/entrypoint.sh <runtime command…>`. The pod monitor depends on its two outputs:
///
/// * the **termination log** (`/dev/termination-log`): `exit_code=<int>`, `cpu_jiffies=<int>`,
///   `clk_tck=<int>`, `peak_memory_kb=<int>`, `wall_seconds=<seconds with 6 decimals>`, one per line;
/// * the **framed output** on stdout: `STDOUT <bytes>\n<stdout>STDERR <bytes>\n<stderr>`, byte counts
///   from `wc -c`, each stream emitted as exactly that many bytes.
///
/// It exits 0 whatever the command's status; with no command it reports exit code 127 and
/// `Entrypoint Error: No command provided.` and exits 127. Beyond upstream (docs/decisions.md, D4.3), a SIGTERM or SIGINT
/// (pod deletion, `activeDeadlineSeconds`) is forwarded to the command as TERM, followed by KILL after
/// `ENTRYPOINT_KILL_AFTER` seconds (default 2, below the Pod's grace period); the results are still
/// reported and the entrypoint exits 143, so a deadline stays a timeout for the pod monitor.
///
/// Samples are taken every 5 ms (upstream's rate) for the first 200 samples, then every 20 ms.
/// `TERMINATION_LOG` and `TMPDIR` override the log path and the temporary directory (tests).
/// The script runs on dash, busybox ash and bash, with GNU or busybox tools.
public enum EntrypointScript {
    /// The ConfigMap key and the file name under `/entry`.
    public static let fileName = "entrypoint.sh"
    /// Where the Pod mounts it.
    public static let mountPath = "/entry"
    /// The argv prefix of the executor container: `["/bin/sh", "/entry/entrypoint.sh"]`.
    public static let invocation = ["/bin/sh", mountPath + "/" + fileName]
    /// Environment variable that overrides the termination log path (unset in Pods).
    public static let terminationLogVariable = "TERMINATION_LOG"
    /// Environment variable that overrides the TERM-to-KILL delay in seconds (unset in Pods).
    public static let killAfterVariable = "ENTRYPOINT_KILL_AFTER"
    /// Exit status of the entrypoint after a TERM or INT.
    public static let terminatedExitStatus = 143

    /// The script.
    public static let text: String = #"""
        #!/bin/sh
        # Executor entrypoint, embedded in k8s-worker and shipped in each execution's ConfigMap.
        #
        # Invoked as: /bin/sh /entry/entrypoint.sh <argv...>   (the Integr8sCode in-pod protocol)
        #
        #  1. Runs argv in the background with stdout and stderr captured to temporary files.
        #  2. While it runs, samples its peak resident memory (VmHWM, KiB) and its CPU time
        #     (utime + stime, in clock ticks) from /proc.
        #  3. Writes five key=value lines to the termination log: exit_code, cpu_jiffies, clk_tck,
        #     peak_memory_kb, wall_seconds (6 decimals).
        #  4. Prints "STDOUT <bytes>\n<stdout bytes>STDERR <bytes>\n<stderr bytes>" and exits 0,
        #     whatever the command's own exit status (that is reported in the termination log).
        #
        # With no argv it reports exit_code=127 and "Entrypoint Error: No command provided." and
        # exits 127.
        #
        # On SIGTERM or SIGINT (pod deletion, activeDeadlineSeconds) the command is sent TERM, then
        # KILL after ENTRYPOINT_KILL_AFTER seconds (default 2) if it is still alive; the termination
        # log and the framed output are still written, and the entrypoint exits 143 so the kubelet
        # sees a non-zero exit (a deadline then reads as a timeout, not as a success).
        #
        # Plain POSIX sh: runs on dash, busybox ash and bash, with GNU or busybox tools. Nothing
        # but the framed output is ever written to stdout, and nothing at all to stderr.
        #
        # Environment (unset in pods; tests use them): TERMINATION_LOG (default
        # /dev/termination-log), TMPDIR (default /tmp), ENTRYPOINT_KILL_AFTER.

        set -f        # no pathname expansion: argv is only ever used quoted, /proc fields are split unglobbed
        exec 2>/dev/null # the container log must hold the framing only (bash reports killed jobs on stderr)

        termination_log=${TERMINATION_LOG:-/dev/termination-log}
        kill_after=${ENTRYPOINT_KILL_AFTER:-2}
        case $kill_after in '' | *[!0-9]*) kill_after=2 ;; esac

        # ---- no command ---------------------------------------------------------------------------

        if [ "$#" -eq 0 ]; then
            message='Entrypoint Error: No command provided.'
            { printf 'exit_code=127\ncpu_jiffies=0\nclk_tck=100\npeak_memory_kb=0\nwall_seconds=0\n' >"$termination_log"; } 2>/dev/null
            printf 'STDOUT 0\nSTDERR %d\n%s' "${#message}" "$message"
            exit 127
        fi

        # ---- helpers --------------------------------------------------------------------------------

        # Picks the wall clock once so start and end come from the same source: `date +%s.%N`, else
        # /proc/uptime (centiseconds; busybox builds without %N print a literal "%N"), else whole
        # seconds.
        clock_source=seconds
        case $(date +%s.%N 2>/dev/null) in
            *.*[!0-9]* | *.) ;;
            [0-9]*.[0-9]*) clock_source=date ;;
        esac
        if [ "$clock_source" = seconds ] && { read -r _up _rest </proc/uptime; } 2>/dev/null; then
            case $_up in [0-9]*.[0-9]*) clock_source=uptime ;; esac
        fi

        # Sets now_s and now_ns (decimal, no leading zeros) from the chosen clock.
        clock_now() {
            case $clock_source in
                date) _now=$(date +%s.%N 2>/dev/null) ;;
                uptime) { read -r _now _rest </proc/uptime; } 2>/dev/null ;;
                *) _now=$(date +%s 2>/dev/null).0 ;;
            esac
            now_s=${_now%%.*}
            _frac=${_now#*.}
            case $now_s in '' | *[!0-9]*) now_s=0 ;; esac
            case $_frac in '' | *[!0-9]*) _frac=0 ;; esac
            # Exactly nine digits, then no leading zeros (a leading 0 would be read as octal).
            _frac=$(printf '%.9s' "${_frac}000000000")
            while :; do
                case $_frac in 0?*) _frac=${_frac#0} ;; *) break ;; esac
            done
            now_ns=$_frac
        }

        # Prints the size of file $1 in bytes (0 when unreadable).
        byte_count() {
            set -- $(wc -c <"$1" 2>/dev/null)
            case ${1:-x} in *[!0-9]*) echo 0 ;; *) echo "$1" ;; esac
        }

        # Prints the first $1 bytes of file $2: exactly the bytes counted, even if a leftover
        # background process of the user's keeps appending.
        emit() {
            if [ "$head_works" = yes ]; then
                head -c "$1" <"$2" 2>/dev/null
            else
                cat <"$2" 2>/dev/null
            fi
        }

        # Creates an empty temporary file under $TMPDIR (or /tmp) and prints its path; /dev/null
        # when nothing is writable, so the framing is still produced.
        make_temp() {
            _path=$(mktemp "${TMPDIR:-/tmp}/entrypoint-$1.XXXXXX" 2>/dev/null) && [ -n "$_path" ] && {
                printf '%s\n' "$_path"
                return
            }
            _path="${TMPDIR:-/tmp}/entrypoint-$1.$$"
            if { : >"$_path"; } 2>/dev/null; then printf '%s\n' "$_path"; else echo /dev/null; fi
        }

        # One sample of the child: raises peak_kb and cpu_jiffies, sets child_state (R, S, Z, ...).
        sample() {
            if [ -r "/proc/$child/status" ]; then
                while read -r _key _value _rest; do
                    if [ "$_key" = "VmHWM:" ]; then
                        case $_value in '' | *[!0-9]*) ;; *) [ "$_value" -gt "$peak_kb" ] && peak_kb=$_value ;; esac
                        break
                    fi
                done 2>/dev/null <"/proc/$child/status"
            fi
            _stat=
            { read -r _stat <"/proc/$child/stat"; } 2>/dev/null
            [ -n "$_stat" ] || return 0
            # Field 2 is "(comm)" and may contain spaces: split what follows the last ')'.
            # Then $1 is field 3 (state), $12 field 14 (utime), $13 field 15 (stime).
            set -- ${_stat##*\)}
            [ "$#" -ge 13 ] || return 0
            child_state=$1
            case "${12}${13}" in *[!0-9]*) return 0 ;; esac
            _jiffies=$((${12} + ${13}))
            [ "$_jiffies" -gt "$cpu_jiffies" ] && cpu_jiffies=$_jiffies
            return 0
        }

        # TERM/INT: stop the child (KILL follows in the main loop after kill_after seconds).
        signals_seen=0
        terminating=no
        on_signal() {
            signals_seen=$((signals_seen + 1))
            [ "$terminating" = yes ] && return
            terminating=yes
            clock_now
            kill_deadline_s=$((now_s + kill_after))
            kill_deadline_ns=$now_ns
            [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
        }
        child=
        trap on_signal TERM INT

        # ---- run ------------------------------------------------------------------------------------

        clk_tck=$(getconf CLK_TCK 2>/dev/null)
        case $clk_tck in '' | 0 | *[!0-9]*) clk_tck=100 ;; esac

        head_works=no
        head -c 1 </dev/null >/dev/null 2>&1 && head_works=yes

        # Sampling every 5 ms (upstream's rate) for the first 200 samples, then every 20 ms: VmHWM is
        # a high-water mark, so a slower rate only delays the last reading, and a long run does not
        # spend its CPU limit on sampling. A sleep without fractions falls back to whole seconds.
        fast_interval=0.005
        slow_interval=0.02
        if ! sleep "$fast_interval" 2>/dev/null; then
            fast_interval=1
            slow_interval=1
        fi
        samples=0

        out_file=$(make_temp stdout)
        err_file=$(make_temp stderr)
        peak_kb=0
        cpu_jiffies=0
        child_state=
        killed=no

        clock_now
        start_s=$now_s
        start_ns=$now_ns

        # `exec` so argv names a program, never one of the functions above; $! is then the program.
        exec "$@" >"$out_file" 2>"$err_file" &
        child=$!
        [ "$terminating" = yes ] && kill -TERM "$child" 2>/dev/null

        while kill -0 "$child" 2>/dev/null; do
            sample
            [ "$child_state" = Z ] && break # exited, not yet reaped: the sample above is its last
            if [ "$terminating" = yes ] && [ "$killed" = no ]; then
                clock_now
                if [ "$now_s" -gt "$kill_deadline_s" ] ||
                    { [ "$now_s" -eq "$kill_deadline_s" ] && [ "$now_ns" -ge "$kill_deadline_ns" ]; }; then
                    kill -KILL "$child" 2>/dev/null
                    killed=yes
                fi
            fi
            samples=$((samples + 1))
            if [ "$samples" -le 200 ]; then sleep "$fast_interval"; else sleep "$slow_interval"; fi
        done

        # A signal arriving during `wait` makes it return early with 128+n; ask again in that case.
        seen=$signals_seen
        wait "$child"
        exit_code=$?
        if [ "$signals_seen" != "$seen" ]; then
            wait "$child" 2>/dev/null
            again=$?
            [ "$again" -ne 127 ] && exit_code=$again
        fi

        clock_now
        elapsed_us=$(((now_s - start_s) * 1000000 + (now_ns - start_ns) / 1000))
        [ "$elapsed_us" -lt 0 ] && elapsed_us=0
        wall_seconds=$(printf '%d.%06d' $((elapsed_us / 1000000)) $((elapsed_us % 1000000)))

        # ---- report ---------------------------------------------------------------------------------

        {
            printf 'exit_code=%d\ncpu_jiffies=%d\nclk_tck=%d\npeak_memory_kb=%d\nwall_seconds=%s\n' \
                "$exit_code" "$cpu_jiffies" "$clk_tck" "$peak_kb" "$wall_seconds" >"$termination_log"
        } 2>/dev/null

        out_bytes=$(byte_count "$out_file")
        err_bytes=$(byte_count "$err_file")
        printf 'STDOUT %d\n' "$out_bytes"
        emit "$out_bytes" "$out_file"
        printf 'STDERR %d\n' "$err_bytes"
        emit "$err_bytes" "$err_file"

        [ "$out_file" = /dev/null ] || rm -f "$out_file" 2>/dev/null
        [ "$err_file" = /dev/null ] || rm -f "$err_file" 2>/dev/null

        [ "$terminating" = yes ] && exit 143
        exit 0

        """#
}
