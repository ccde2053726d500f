import Glibc

/// One `k8s-worker run --config <file>` process of the run, its output appended to a log file. A supervisor
/// still running when this object goes away is killed and reaped (its workers die with it: PR_SET_PDEATHSIG).
public final class ChaosSupervisor {
    /// The process id.
    public let pid: pid_t
    /// Which supervisor of the run (1, 2, …).
    public let generation: Int
    private var exitCode: Int32?

    /// Starts the supervisor binary in `binDirectory` on `configPath` — under `setpriv --pdeathsig KILL` where
    /// util-linux has it, so that a supervisor never outlives a run whose process crashed.
    public init(binDirectory: String, configPath: String, logPath: String, generation: Int) throws(ChaosError) {
        let command = [binDirectory + "/k8s-worker", "run", "--config", configPath]
        let argv = access(Self.setpriv, X_OK) == 0 ? [Self.setpriv, "--pdeathsig", "KILL", "--"] + command : command
        switch ProcessTable.spawn(argv, environment: ["PATH": "/usr/bin:/bin"], outputPath: logPath) {
        case .success(let pid): self.pid = pid
        case .failure(let error): throw ChaosError("\(error)")
        }
        self.generation = generation
    }

    private static let setpriv = "/usr/bin/setpriv"

    deinit {
        if exitCode == nil {
            _ = kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }

    /// Sends `number`.
    public func signal(_ number: Int32) { _ = kill(pid, number) }

    /// Its live workers (children that are not zombies).
    public func workers() -> [pid_t] {
        ProcessTable.children(of: pid).filter(ProcessTable.isAlive)
    }

    /// Its exit code (or 128 + signal) once it has exited, polling until `deadline` (monotonic seconds);
    /// `nil` if it still runs then.
    public func waitForExit(until deadline: Double) -> Int32? {
        while exitCode == nil {
            exitCode = ProcessTable.reap(pid)
            if exitCode != nil || ChaosClock.now() >= deadline { break }
            ChaosClock.sleep(seconds: 0.01)
        }
        return exitCode
    }
}
