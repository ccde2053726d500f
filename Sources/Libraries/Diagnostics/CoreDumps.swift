internal import CLinux
import Glibc

/// Core dumps off: a dump of the supervisor would hold the Kafka SASL password, one of a worker its Kubernetes
/// credentials, and either one the scripts in flight (SECURITY.md, "Processes and the host").
public enum CoreDumps {
    /// Sets this process's core file size limit to 0 (`setrlimit(RLIMIT_CORE)`, which children inherit) and marks it
    /// not dumpable (`prctl(PR_SET_DUMPABLE, 0)`, which `execve` resets, so every program calls this itself).
    ///
    /// Not dumpable also means that, without `CAP_SYS_PTRACE`, no other process — the same user's included — can
    /// ptrace this one or read its `/proc/<pid>/environ`, `mem`, `maps` or `fd` (proc(5)); the process itself still
    /// can. Call it first thing, before any secret is read.
    ///
    /// - Returns: what could not be done, one sentence each; empty when both took effect. The caller logs it.
    public static func disable() -> [String] {
        var problems: [String] = []
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        if setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) != 0 {
            problems.append("cannot set the core file size limit to 0: \(String(cString: strerror(errno)))")
        }
        if clinux_set_dumpable(0) != 0 {
            problems.append("cannot mark the process not dumpable: \(String(cString: strerror(errno)))")
        }
        return problems
    }

    /// Whether this process is marked dumpable (`prctl(PR_GET_DUMPABLE)`).
    public static var isDumpable: Bool { clinux_get_dumpable() != 0 }
}
