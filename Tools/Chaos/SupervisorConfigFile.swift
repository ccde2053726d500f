import Glibc

/// The supervisor's configuration file for a chaos run: the product's Kafka source and Kubernetes handler
/// against the in-process mock cluster and simulator, with timings short enough for a run of a minute.
/// ``write(workers:)`` replaces the file atomically (a SIGHUP never reads half a file).
public struct SupervisorConfigFile: Sendable {
    /// Where the file is.
    public let path: String
    let bootstrapServers: String
    let kubeconfigPath: String
    let namespace: String
    let concurrency: Int
    let logLevel: String

    public init(
        path: String, bootstrapServers: String, kubeconfigPath: String, namespace: String, concurrency: Int,
        logLevel: String
    ) {
        self.path = path
        self.bootstrapServers = bootstrapServers
        self.kubeconfigPath = kubeconfigPath
        self.namespace = namespace
        self.concurrency = concurrency
        self.logLevel = logLevel
    }

    /// The file's text for `workers` worker processes.
    ///
    /// `quarantine_after` is far above its default: the driver kills workers at random, and a command that
    /// happens to run alone on three of the killed workers would otherwise be failed as a poison command — the
    /// product's intended answer to a command that keeps killing workers, which the supervisor cannot tell
    /// from an unlucky one. The crash-loop threshold is raised for the same reason (the kills are not a crash
    /// loop), and the session timeout outlives the short all-broker outages of the schedule. `socket.timeout.ms`
    /// stays at its default: the mock group coordinator holds JoinGroup and SyncGroup answers for up to the
    /// session timeout, and a client that gives up earlier sends its SyncGroup again on the same connection,
    /// which trips an assertion in librdkafka 2.0.2's mock coordinator (`!member->resp`). The metrics endpoint
    /// takes a free port: a service or another run holding the default one must not stop the supervisors.
    public func text(workers: Int) -> String {
        """
        source:
          kind: kafka
        workers:
          count: \(workers)
          min_ready: 1
          concurrency: \(concurrency)
          handler: kubernetes
          handshake_timeout: 10s
          heartbeat_interval: 250ms
          heartbeat_timeout: 3s
          command_deadline: 4s
          quarantine_after: 1000
        restart:
          initial_backoff: 50ms
          max_backoff: 1s
          crash_loop_threshold: 1000
        dispatch:
          retry_initial_backoff: 100ms
          retry_max_backoff: 2s
        shutdown:
          drain_timeout: 20s
          kill_grace: 2s
        kafka:
          bootstrap_servers: "\(bootstrapServers)"
          commit_interval: 1s
          session_timeout: 6s
          properties: "fetch.wait.max.ms=10,reconnect.backoff.max.ms=1000"
        kubernetes:
          source: kubeconfig
          kubeconfig: "\(kubeconfigPath)"
          namespace: \(namespace)
          request_timeout: 2s
          qps: 0
        log:
          level: \(logLevel)
          format: json
        metrics:
          listen: "127.0.0.1:0"

        """
    }

    /// Writes the file for `workers` workers: a temporary file renamed over the old one.
    public func write(workers: Int) throws(ChaosError) {
        let temporary = path + ".new"
        guard let file = fopen(temporary, "w") else {
            throw ChaosError("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let text = text(workers: workers)
        let written = fputs(text, file) >= 0
        let closed = fclose(file) == 0
        guard written, closed, rename(temporary, path) == 0 else {
            throw ChaosError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
