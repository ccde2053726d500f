import Diagnostics
import Glibc
import KubeAccess
import KubeExecution
import Logging
import WorkerCore

/// `k8s-worker-process --worker-id N --supervisor-pid P`: started by the supervisor only, with its socket on
/// descriptor 3. Not meant to be run by hand.
@main
struct WorkerMain {
    static func main() {
        // Before the welcome brings the Kubernetes credentials.
        let coreDumpProblems = CoreDumps.disable()
        let arguments = CommandLine.arguments
        if arguments.contains("--help") || arguments.contains("-h") {
            print(
                """
                usage: k8s-worker-process --worker-id N --supervisor-pid P

                A worker of k8s-worker: started by the supervisor only, with its socket on descriptor 3 (see README, \
                "How it works"). It exits when the supervisor does, and on SIGTERM once its commands are finished.
                """)
            exit(0)
        }
        func value(_ flag: String) -> String? {
            guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        guard let id = value("--worker-id").flatMap(UInt32.init) else {
            printError("k8s-worker-process is started by k8s-worker; it needs --worker-id and its socket on fd 3")
            exit(64)
        }
        let parent = value("--supervisor-pid").flatMap(pid_t.init) ?? 0
        let level = getenv("K8S_WORKER_LOG_LEVEL").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .info
        let format = LogOutput.detect(
            format: .named(getenv("K8S_WORKER_LOG_FORMAT").map { String(cString: $0) } ?? "auto"),
            identifier: "k8s-worker-process")
        LoggingSystem.bootstrap { label in
            StderrLogHandler(
                label: label, level: level, format: format,
                metadata: ["worker.id": "w\(id)", "worker.pid": "\(getpid())"])
        }
        let logger = Logger(label: "k8s-worker.worker")
        for problem in coreDumpProblems { logger.error("SECURITY: core dumps stay possible: \(problem)") }
        guard WorkerRuntime.bindToParent(expected: parent) else { exit(0) }
        exit(WorkerRuntime(workerID: id, logger: logger, handlers: handler).run())
    }

    /// `kubernetes` (the production handler, configured by the welcome's settings) and the built-in ones.
    @Sendable static func handler(named name: String, settings: [UInt8], logger: Logger) throws -> (any CommandHandler)?
    {
        guard name == "kubernetes" else {
            return WorkerRuntime.builtInHandler(named: name, settings: settings, logger: logger)
        }
        let parsed: KubernetesSettings
        do { parsed = try KubernetesSettings(json: settings) } catch { throw KubernetesStartupError.settings(error) }
        return try KubernetesHandler.make(settings: parsed, logger: logger)
    }
}
