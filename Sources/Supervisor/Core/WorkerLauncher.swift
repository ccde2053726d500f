import Glibc
import Platform

/// Starts worker processes with `posix_spawn` (clone+exec in glibc: nothing runs between fork and exec).
///
/// Each child gets: its end of the socket pair as descriptor 3, the ``inherited`` descriptors as 4, 5, … (the
/// API rate-limit page all workers share) and no other descriptor besides stdio; an
/// empty signal mask and default dispositions for every signal (the supervisor ignores SIGPIPE and catches
/// others); its own process group (a terminal's Ctrl-C reaches only the supervisor, which decides); and the
/// allow-listed part of the supervisor's environment plus the load-time library settings
/// (``WorkerEnvironment``).
struct WorkerLauncher {
    let executable: String
    let environment: [String]
    /// Descriptors every worker inherits, in order from descriptor 4 (``IPCDescriptor/firstInherited``).
    let inherited: [Int32]

    init(executable: String, environment: [String: String], inherited: [Int32] = []) {
        self.executable = executable
        self.inherited = inherited
        self.environment = WorkerEnvironment.filter(environment)
            .merging(WorkerEnvironment.loadTimeSettings) { _, setting in setting }
            .map { "\($0.key)=\($0.value)" }.sorted()
    }

    /// `k8s-worker-process` in the directory of the running executable.
    static func defaultExecutable() -> String { SiblingExecutable.path("k8s-worker-process") }

    /// Spawns one worker holding `socket` as descriptor 3.
    func spawn(id: WorkerID, socket: Int32) throws(SupervisorError) -> pid_t {
        let arguments = [executable, "--worker-id", String(id.rawValue), "--supervisor-pid", String(getpid())]
        // The file actions run in order, so a descriptor numbered 3 or 4 here would be overwritten by an earlier
        // `dup2` before its own: pass copies numbered above every target instead.
        let copies = inherited.map { Descriptors.duplicate($0, minimum: 10) }
        defer { copies.forEach { close($0) } }
        guard !copies.contains(-1) else {
            throw SupervisorError("cannot duplicate a descriptor for the worker: \(String(cString: strerror(errno)))")
        }
        let passed = copies.enumerated().map {
            Spawn.FileAction.duplicate($1, to: IPCDescriptor.firstInherited + Int32($0))
        }
        let options = Spawn.Options(
            fileActions: [.duplicate(socket, to: IPCDescriptor.worker)] + passed
                + [.closeFrom(IPCDescriptor.firstInherited + Int32(inherited.count))],
            signals: .reset, ownProcessGroup: true)
        switch Spawn.start(arguments, environment: environment, options: options) {
        case .success(let pid): return pid
        case .failure(let failure): throw SupervisorError(failure.description)
        }
    }
}

/// The descriptor number workers find their socket on.
enum IPCDescriptor {
    static let worker: Int32 = 3
    /// Where the descriptors passed to every worker start (KubeAccess's `sharedRateLimitDescriptor` is this).
    static let firstInherited: Int32 = 4
}
