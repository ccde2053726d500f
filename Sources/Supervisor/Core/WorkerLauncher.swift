internal import CLinux
import Glibc

/// Starts worker processes with `posix_spawn` (clone+exec in glibc: nothing runs between fork and exec).
///
/// Each child gets: its end of the socket pair as descriptor 3 and no other descriptor besides stdio; an
/// empty signal mask and default dispositions for every signal (the supervisor ignores SIGPIPE and catches
/// others); its own process group (a terminal's Ctrl-C reaches only the supervisor, which decides); and the
/// allow-listed part of the supervisor's environment (``WorkerEnvironment``).
struct WorkerLauncher {
    let executable: String
    let environment: [String]

    init(executable: String, environment: [String: String]) {
        self.executable = executable
        self.environment = WorkerEnvironment.filter(environment).map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// `k8s-worker-process` in the directory of the running executable.
    static func defaultExecutable() -> String { SiblingExecutable.path("k8s-worker-process") }

    /// Spawns one worker holding `socket` as descriptor 3.
    func spawn(id: WorkerID, socket: Int32) throws(SupervisorError) -> pid_t {
        // dup2 onto 3 must really copy (so the copy loses close-on-exec); make sure the source is not 3 itself.
        let source = socket == IPCDescriptor.worker ? fcntl_dup(socket) : socket
        defer { if source != socket { close(source) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, source, IPCDescriptor.worker)
        clinux_spawn_closefrom(&actions, IPCDescriptor.worker + 1)

        var attributes = Self.ownGroupAttributes()
        defer { posix_spawnattr_destroy(&attributes) }

        let arguments = [executable, "--worker-id", String(id.rawValue), "--supervisor-pid", String(getpid())]
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        guard result == 0 else {
            throw SupervisorError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Spawn attributes for a child with an empty signal mask, default dispositions for every signal and a
    /// process group of its own; the caller destroys them.
    static func ownGroupAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        return attributes
    }

    private func fcntl_dup(_ fd: Int32) -> Int32 { clinux_fcntl_int(fd, F_DUPFD_CLOEXEC, 10) }
}

/// The descriptor number workers find their socket on.
enum IPCDescriptor {
    static let worker: Int32 = 3
}
