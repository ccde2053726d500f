import Diagnostics
import Glibc
import Platform

/// Makes a long-running tool (the benchmark, the chaos runner) stop promptly on SIGTERM or SIGINT, with every
/// process it started.
///
/// Their work runs supervisors in-process or as children, and a supervisor treats SIGTERM as "drain", after which
/// the tool would simply go on with its next phase. So the tool re-executes itself once, in a process group of its
/// own, and the original process only waits: when the work ends it exits with the work's status; on SIGTERM or
/// SIGINT it kills the whole group (children started without a group of their own, and through
/// `PR_SET_PDEATHSIG` the workers of in-process supervisors), reaps the work, says so on stderr and exits
/// 128 + the signal number.
public enum ProcessGroupWatchdog {
    /// Set in the environment of the re-executed process.
    static let marker = "K8S_WORKER_WATCHED_RUN"

    /// In the original process: runs this program again as the watched work and never returns. In the work (and
    /// everything it starts, which inherits the marker): returns at once.
    public static func runWatched(name: String) {
        guard getenv(marker) == nil else { return }
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for signal in [SIGTERM, SIGINT, SIGCHLD] { sigaddset(&stopSignals, signal) }
        // Blocked before the work exists, so no signal is lost between spawning and waiting.
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
        let work = spawnSelf(name: name)
        while true {
            var info = siginfo_t()
            let received = sigwaitinfo(&stopSignals, &info)
            if received == SIGCHLD || received < 0 {
                var status: Int32 = 0
                guard waitpid(work, &status, WNOHANG) == work else { continue }
                exit(status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F))
            }
            guard received == SIGTERM || received == SIGINT else { continue }
            _ = kill(-work, SIGKILL)
            var status: Int32 = 0
            while waitpid(work, &status, 0) < 0 && errno == EINTR {}
            printError("\(name): stopped by signal \(received), with the processes it started")
            exit(128 + received)
        }
    }

    private static func spawnSelf(name: String) -> pid_t {
        setenv(marker, "1", 1)
        let options = Spawn.Options(signals: .reset, ownProcessGroup: true)
        switch Spawn.start(CommandLine.arguments, program: "/proc/self/exe", options: options) {
        case .success(let pid):
            return pid
        case .failure(let failure):
            printError("\(name): cannot start: \(String(cString: strerror(failure.code)))")
            exit(71)  // EX_OSERR
        }
    }
}
