import Glibc
import Platform

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
        let arguments = [executable, "--worker-id", String(id.rawValue), "--supervisor-pid", String(getpid())]
        let options = Spawn.Options(
            fileActions: [.duplicate(socket, to: IPCDescriptor.worker), .closeFrom(IPCDescriptor.worker + 1)],
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
}
