import KubeManifests

/// The supervisor's whole configuration: typed, with defaults at the declaration.
///
/// Values come from one place, ``ConfigurationLoader`` (file, then environment, then flags); every key is
/// listed in ``ConfigurationKeys``, which also renders the reference table in the README.
public struct Configuration: Equatable, Sendable {
    /// The worker pool.
    public struct Workers: Equatable, Sendable {
        /// Worker processes to keep running.
        public var count = 2
        /// Ready workers required before the service reports READY=1 (at most `count`).
        public var minReady = 1
        /// Commands one worker may hold at once.
        public var concurrency = 4
        /// What workers do with a command: the product's `kubernetes` handler by default (development modes are
        /// chosen explicitly: `examples/dev.yaml`, `k8s-worker demo`).
        public var handler: HandlerKind = .kubernetes
        /// The worker executable; empty means `k8s-worker-process` next to the supervisor's own executable.
        public var executable = ""
        /// A worker that has not sent its handshake by then is killed.
        public var handshakeTimeout: Duration = .seconds(10)
        /// How often each worker is pinged.
        public var heartbeatInterval: Duration = .seconds(1)
        /// A worker silent for this long is killed and replaced.
        public var heartbeatTimeout: Duration = .seconds(5)
        /// How long one command may take on a worker, retries included; past this plus the kill grace the worker
        /// is considered wedged, killed, and the command re-dispatched.
        public var commandDeadline: Duration = .seconds(120)
        /// A command held by this many workers that died is failed instead of retried.
        public var quarantineAfter = 3
        /// A `create_pod_command` older than this (from its own `timestamp`) is not carried out: it fails with
        /// `execution_failed` and creates nothing. Below the saga's 300 s timeout (upstream's saga marks itself
        /// timed out then, without compensation), so a Pod is never started for a saga that has given up.
        public var maxCommandAge: Duration = .seconds(240)
        /// Pod creation attempts a persistent 500 (a broken admission webhook, say) may take before the create
        /// fails with `execution_failed`, over every dispatch of the command.
        public var maxCreateAttempts = 20
        public init() {}
    }

    /// Restart policy for workers that exit unexpectedly.
    public struct Restart: Equatable, Sendable {
        /// Delay before the first restart of a slot.
        public var initialBackoff: Duration = .milliseconds(100)
        /// Upper bound of the delay, also used while the pool is in a crash loop.
        public var maxBackoff: Duration = .seconds(30)
        /// A worker that stays up this long resets its slot's backoff.
        public var resetAfter: Duration = .seconds(10)
        /// Crashes within `crashLoopWindow` that put the pool in crash-loop mode.
        public var crashLoopThreshold = 5
        /// The window for `crashLoopThreshold`.
        public var crashLoopWindow: Duration = .seconds(60)
        public init() {}
    }

    /// Dispatching.
    public struct Dispatch: Equatable, Sendable {
        /// Commands accepted and not finished (queued plus in flight); when reached, intake pauses.
        public var maxInFlight = 256
        /// First delay before a command a worker could not carry out yet ("retry later") is dispatched again.
        public var retryInitialBackoff: Duration = .seconds(1)
        /// Largest such delay; it doubles per deferral up to this, with jitter.
        public var retryMaxBackoff: Duration = .seconds(30)
        public init() {}
    }

    /// Stopping.
    public struct Shutdown: Equatable, Sendable {
        /// How long in-flight work may take to finish after SIGTERM.
        public var drainTimeout: Duration = .seconds(60)
        /// After the drain, how long workers get between SIGTERM and SIGKILL.
        public var killGrace: Duration = .seconds(5)
        /// After the workers are gone: time to publish the remaining events and dead letters, commit, and leave
        /// the group. The whole stop has one hard deadline, `drainTimeout + killGrace + finalTimeout` after the
        /// first stop signal (see ``hardStopAfter``).
        public var finalTimeout: Duration = .seconds(15)
        /// The hard deadline of a stop, counted from the first SIGTERM/SIGINT: past it the supervisor exits
        /// non-zero whatever is left. 80 s with the defaults, below the units' `TimeoutStopSec=90s`.
        public var hardStopAfter: Duration { drainTimeout + killGrace + finalTimeout }
        /// The end of the stop kept for the final commit and leaving the consumer group: publishing stops this
        /// long before the hard deadline.
        public static let commitReserve: Duration = .seconds(3)
        public init() {}
    }

    /// The supervisor–worker protocol.
    public struct IPC: Equatable, Sendable {
        /// Largest frame accepted in either direction.
        public var maxFrameBytes = 8 << 20
        public init() {}
    }

    /// Where commands come from.
    public struct Source: Equatable, Sendable {
        /// `kafka` (the product), or `lines`: a local file of `key<TAB>payload` lines (development and tests).
        public var kind: SourceKind = .kafka
        /// For `lines`: the command file.
        public var path = ""
        /// For `lines`: where the committed position (next line to read) is kept; empty means `<path>.offset`.
        public var offsetFile = ""
        /// For `lines`: where results are appended as JSON lines; empty means no journal.
        public var journal = ""
        /// How often the committed position is written.
        public var commitInterval: Duration = .seconds(1)
        /// For `lines`: stop (drain and exit 0) once the file is read to its end and everything is finished,
        /// instead of following it like `tail -f`.
        public var stopAtEnd = false
        public init() {}
    }

    /// Kafka (for `source.kind: kafka`).
    public struct Kafka: Equatable, Sendable {
        /// Comma-separated `host:port` list.
        /// Kafka's own default listener when unset; every deployment names its brokers.
        public var bootstrapServers = "localhost:9092"
        /// Consumer group shared by every supervisor of the deployment.
        public var groupID = "k8s-worker"
        /// Client id; empty means `k8s-worker-<hostname>`.
        public var clientID = ""
        /// How the group divides partitions; `auto`: cooperative where librdkafka allows it (docs/decisions.md, D15).
        public var assignmentStrategy: KafkaAssignmentStrategy = .auto
        /// `group.instance.id`: `auto` derives a stable identity from the Pod name or the machine id, `none`
        /// joins as a dynamic member, anything else is the identity itself (unique in the group).
        public var groupInstanceID = "auto"
        /// `standard` (saga_commands → pod_events, execution_events) or `per-event-type` (upstream's topics).
        public var layout: TopicLayoutName = .standard
        /// Consumed topics (comma-separated); empty means the layout's default.
        public var commandTopics = ""
        /// Topic for `pod_created` (standard layout).
        public var podEventsTopic = "pod_events"
        /// Topic for `execution_started` and `execution_failed` (standard layout).
        public var executionEventsTopic = "execution_events"
        /// Dead-letter topic.
        public var deadLetterTopic = "saga_commands.dlq"
        /// `earliest` or `latest`, where a group without committed offsets starts.
        public var autoOffsetReset: OffsetReset = .earliest
        public var sessionTimeout: Duration = .seconds(45)
        public var maxPollInterval: Duration = .seconds(300)
        /// How often finished offsets are committed.
        public var commitInterval: Duration = .seconds(1)
        /// Records read ahead of dispatch before partitions are paused (every pause and resume makes the consumer
        /// fetch again, so this should comfortably exceed `dispatch.max_in_flight`).
        public var maxBuffered = 10_000
        /// Bytes read ahead of dispatch before partitions are paused, whatever the record count.
        public var maxBufferedBytes = 32 << 20
        /// Records larger than this go to the dead-letter topic unparsed.
        public var maxRecordBytes = 4 << 20
        /// Largest record the producer sends: librdkafka's `message.max.bytes` for the producer, and the bound
        /// every event and dead letter is built to fit. librdkafka's default, 1,000,000, is below the broker's
        /// default `message.max.bytes` (1,048,588) and topic `max.message.bytes`; raise it only together with
        /// those (see README, "Record sizes").
        public var maxMessageBytes = 1_000_000
        /// An event or dead letter still unpublished after this long makes the source not ready.
        public var publishStallTimeout: Duration = .seconds(60)
        /// How long a revoked partition's in-flight commands may take before it is released anyway.
        public var revocationTimeout: Duration = .seconds(30)
        /// `plaintext`, `ssl`, `sasl_plaintext` or `sasl_ssl`.
        public var securityProtocol: KafkaSecurityProtocol = .plaintext
        public var saslMechanism = ""
        public var saslUsername = ""
        /// Never logged.
        public var saslPassword = ""
        /// Extra librdkafka properties for consumer and producer, by name (see ``KafkaProperties``).
        public var properties: [String: String] = [:]
        public init() {}

        /// Whether `setting` is `auto`, `none`, or a group instance id Kafka accepts: 1 to 249 characters of
        /// `[a-zA-Z0-9._-]` (the broker validates it like a topic name).
        public static func isValidGroupInstanceSetting(_ setting: String) -> Bool {
            (1...249).contains(setting.utf8.count)
                && setting.utf8.allSatisfy { byte in
                    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                        || byte == 0x2E || byte == 0x5F || byte == 0x2D
                }
        }
    }

    /// The Kubernetes API (for `workers.handler: kubernetes`). Workers receive these at their start.
    public struct Kubernetes: Equatable, Sendable {
        /// `auto` (`$KUBECONFIG` or `~/.kube/config` when present, else in-cluster), `kubeconfig` or `in-cluster`.
        public var source: KubernetesSource = .auto
        /// For `kubeconfig`: the file.
        public var kubeconfig = ""
        /// Context in the kubeconfig; empty means its current-context.
        public var context = ""
        /// Namespace of every Pod and ConfigMap. `default`, `kube-system`, `kube-public` and `kube-node-lease`
        /// are refused.
        public var namespace = "integr8scode"
        /// The client-side API rate limit, one for all the workers together (README, "API rate limit"): its mode,
        /// its ceiling in requests per second (the rate in `fixed` mode; 0 = unlimited) and the burst above it.
        /// The ceiling is a safety cap above what the workers reach on a fast server; the adaptive mode finds the
        /// server's own limit from its 429 and 503 answers (KubeAccess's `KubernetesSettings.defaultQPS` says why
        /// 2,000).
        public var rateLimit: APIRateLimitMode = .adaptive
        public var qps = 2_000
        public var burst = 200
        /// Limits of one API request attempt.
        public var connectTimeout: Duration = .seconds(5)
        public var requestTimeout: Duration = .seconds(15)
        /// Seconds a deleted executor Pod gets between TERM and KILL (also its `terminationGracePeriodSeconds`).
        public var terminationGracePeriod = 5
        /// `runtimeClassName` of executor Pods (e.g. `gvisor`); empty means none.
        public var runtimeClass = ""
        /// At start, apply the deny-all NetworkPolicy and the Pod Security labels to the namespace.
        public var prepareNamespace = true
        /// When RBAC forbids that: `fail` (refuse to start) or `warn` (start, and log it loudly).
        public var onForbidden: ForbiddenPolicy = .fail
        /// Keep the DaemonSet `runtime-image-pre-puller` pulling every runtime image on the executors' nodes.
        public var prePullImages = true
        public init() {}
    }

    /// Logging.
    public struct Log: Equatable, Sendable {
        /// trace, debug, info, notice, warning, error or critical.
        public var level = "info"
        /// `json` (one object per line), `text`, or `auto` (text on a terminal, JSON otherwise).
        public var format: LogFormatName = .auto
        public init() {}
    }

    /// The HTTP endpoint for metrics and health.
    public struct Metrics: Equatable, Sendable {
        /// `address:port` (numeric IPv4, or `[IPv6]:port`) serving `/metrics`, `/healthz` and `/readyz`; port 0
        /// lets the kernel pick one (it is logged); empty disables the endpoint.
        public var listen = "127.0.0.1:9464"
        public init() {}
    }

    public var workers = Workers()
    public var restart = Restart()
    public var dispatch = Dispatch()
    public var shutdown = Shutdown()
    public var ipc = IPC()
    public var source = Source()
    public var kafka = Kafka()
    public var kubernetes = Kubernetes()
    /// The executor Pod: runtimes, resources, placement (`pod.*`; README, "The pod section").
    public var pod = PodPolicy()
    public var log = Log()
    public var metrics = Metrics()

    public init() {}

    /// Checks ranges and cross-field rules; the error names the key. (Keys with a fixed set of values are enums,
    /// checked as they are read: ``ConfigurationChoice``.)
    public func validate() throws(ConfigurationError) {
        func require(_ condition: Bool, _ key: String, _ message: String) throws(ConfigurationError) {
            if !condition { throw ConfigurationError(key: key, message: message) }
        }
        try require(workers.count >= 0 && workers.count <= 256, "workers.count", "must be between 0 and 256")
        try require(workers.minReady >= 0, "workers.min_ready", "must not be negative")
        try require(workers.concurrency >= 1 && workers.concurrency <= 1024, "workers.concurrency", "must be 1...1024")
        try require(
            kubernetes.source != .kubeconfig || !kubernetes.kubeconfig.isEmpty, "kubernetes.kubeconfig",
            "is required with kubernetes.source kubeconfig")
        try require(
            !ForbiddenNamespaces.contains(kubernetes.namespace), "kubernetes.namespace",
            "'\(kubernetes.namespace)' is refused: executor Pods never run in \(ForbiddenNamespaces.names.joined(separator: ", "))"
        )
        try require(
            KubernetesNames.isDNS1123Label(kubernetes.namespace), "kubernetes.namespace",
            "is not a valid namespace name")
        try require(kubernetes.qps >= 0, "kubernetes.qps", "must not be negative (0 means unlimited)")
        try require(kubernetes.burst >= 1, "kubernetes.burst", "must be at least 1")
        try require(kubernetes.connectTimeout > .zero, "kubernetes.connect_timeout", "must be positive")
        try require(kubernetes.requestTimeout > .zero, "kubernetes.request_timeout", "must be positive")
        try require(
            (0...3600).contains(kubernetes.terminationGracePeriod), "kubernetes.termination_grace_period",
            "must be 0...3600 seconds")
        try require(
            kubernetes.runtimeClass.isEmpty || KubernetesNames.isDNS1123Subdomain(kubernetes.runtimeClass),
            "kubernetes.runtime_class", "is not a valid RuntimeClass name")
        try validatePod()
        try require(workers.heartbeatInterval > .zero, "workers.heartbeat_interval", "must be positive")
        try require(
            workers.heartbeatTimeout > workers.heartbeatInterval, "workers.heartbeat_timeout",
            "must be longer than workers.heartbeat_interval")
        try require(workers.handshakeTimeout > .zero, "workers.handshake_timeout", "must be positive")
        try require(workers.commandDeadline > .zero, "workers.command_deadline", "must be positive")
        try require(workers.quarantineAfter >= 1, "workers.quarantine_after", "must be at least 1")
        try require(workers.maxCommandAge > .zero, "workers.max_command_age", "must be positive")
        try require(workers.maxCreateAttempts >= 1, "workers.max_create_attempts", "must be at least 1")
        try require(restart.initialBackoff > .zero, "restart.initial_backoff", "must be positive")
        try require(
            restart.maxBackoff >= restart.initialBackoff, "restart.max_backoff",
            "must not be shorter than restart.initial_backoff")
        try require(restart.crashLoopThreshold >= 1, "restart.crash_loop_threshold", "must be at least 1")
        try require(dispatch.maxInFlight >= 1, "dispatch.max_in_flight", "must be at least 1")
        try require(dispatch.retryInitialBackoff > .zero, "dispatch.retry_initial_backoff", "must be positive")
        try require(
            dispatch.retryMaxBackoff >= dispatch.retryInitialBackoff, "dispatch.retry_max_backoff",
            "must be at least dispatch.retry_initial_backoff")
        try require(shutdown.drainTimeout >= .zero, "shutdown.drain_timeout", "must not be negative")
        try require(shutdown.killGrace >= .zero, "shutdown.kill_grace", "must not be negative")
        try require(
            shutdown.finalTimeout >= .seconds(5), "shutdown.final_timeout",
            "must be at least 5s (the last 3s are kept for the final commit)")
        try require(
            ipc.maxFrameBytes >= 4096 && ipc.maxFrameBytes <= 256 << 20, "ipc.max_frame_bytes",
            "must be between 4096 and 268435456")
        try require(
            source.kind != .kafka || !kafka.bootstrapServers.isEmpty, "kafka.bootstrap_servers",
            "is required for the kafka source")
        try require(
            Kafka.isValidGroupInstanceSetting(kafka.groupInstanceID), "kafka.group_instance_id",
            "must be `auto`, `none`, or 1 to 249 of the characters a-z A-Z 0-9 . _ -")
        try require(kafka.maxBuffered >= 1, "kafka.max_buffered", "must be at least 1")
        try require(kafka.maxBufferedBytes >= 1 << 20, "kafka.max_buffered_bytes", "must be at least 1 MiB")
        try require(kafka.maxRecordBytes >= 1024, "kafka.max_record_bytes", "must be at least 1024")
        try require(
            kafka.maxMessageBytes >= 16 << 10 && kafka.maxMessageBytes <= 1_000_000_000, "kafka.max_message_bytes",
            "must be 16384...1000000000 (librdkafka's range starts at 1000; events need 16 KiB)")
        try require(kafka.publishStallTimeout > .zero, "kafka.publish_stall_timeout", "must be positive")
        try require(source.kind != .lines || !source.path.isEmpty, "source.path", "is required for the lines source")
        try require(source.commitInterval > .zero, "source.commit_interval", "must be positive")
        try require(
            metrics.listen.isEmpty || ListenAddress(metrics.listen) != nil, "metrics.listen",
            "'\(metrics.listen)' is not address:port (a numeric IPv4 address, or [IPv6]:port), nor empty to disable")
        try require(
            LogLevelName.parse(log.level) != nil, "log.level",
            "must be one of trace, debug, info, notice, warning, error, critical")
    }
}

extension Configuration {
    /// The `pod` section's cross-key rules (each value was checked as it was read), then the manifest builder's own
    /// verdict, so `check-config` accepts exactly what workers can use.
    func validatePod() throws(ConfigurationError) {
        func require(_ condition: Bool, _ key: String, _ message: String) throws(ConfigurationError) {
            if !condition { throw ConfigurationError(key: key, message: message) }
        }
        let resources = pod.resources
        let floor = ResourcePolicy()
        try require(
            resources.maxCPULimit >= floor.minCPULimit, "pod.max_cpu_limit", "must be at least \(floor.minCPULimit)")
        try require(
            resources.maxMemoryLimit >= floor.minMemoryLimit, "pod.max_memory_limit",
            "must be at least \(floor.minMemoryLimit)")
        try require(
            (floor.minCPULimit...resources.maxCPULimit).contains(resources.defaultCPULimit), "pod.default_cpu_limit",
            "must be between \(floor.minCPULimit) and pod.max_cpu_limit (\(resources.maxCPULimit))")
        try require(
            resources.defaultCPURequest <= resources.defaultCPULimit, "pod.default_cpu_request",
            "must not exceed pod.default_cpu_limit (\(resources.defaultCPULimit))")
        try require(
            (floor.minMemoryLimit...resources.maxMemoryLimit).contains(resources.defaultMemoryLimit),
            "pod.default_memory_limit",
            "must be between \(floor.minMemoryLimit) and pod.max_memory_limit (\(resources.maxMemoryLimit))")
        try require(
            resources.defaultMemoryRequest <= resources.defaultMemoryLimit, "pod.default_memory_request",
            "must not exceed pod.default_memory_limit (\(resources.defaultMemoryLimit))")
        try require(resources.maxTimeoutSeconds >= 1, "pod.max_timeout_seconds", "must be at least 1")
        try require(
            (1...max(1, resources.maxTimeoutSeconds)).contains(resources.defaultTimeoutSeconds),
            "pod.default_timeout_seconds",
            "must be between 1 and pod.max_timeout_seconds (\(resources.maxTimeoutSeconds))")
        if let request = resources.ephemeralStorage?.request, let limit = resources.ephemeralStorage?.limit {
            try require(
                request <= limit, "pod.ephemeral_storage_request",
                "must not exceed pod.ephemeral_storage_limit (\(limit))")
        }
        let base = ManifestSettings(namespace: kubernetes.namespace)
        if let limit = resources.ephemeralStorage?.limit {
            let volumes = base.tmpSizeLimit.bytes + base.outputSizeLimit.bytes
            try require(
                limit.bytes >= volumes, "pod.ephemeral_storage_limit",
                "must cover the /tmp and /output volumes (\(base.tmpSizeLimit) + \(base.outputSizeLimit))")
        }
        if let podClass = pod.runtimeClassName, !kubernetes.runtimeClass.isEmpty {
            try require(
                podClass == kubernetes.runtimeClass, "pod.runtime_class_name",
                "'\(podClass)' disagrees with kubernetes.runtime_class '\(kubernetes.runtimeClass)'; set one of them")
        }
        do {
            _ = try pod.registry()
        } catch {
            throw ConfigurationError(key: "pod.runtimes", message: error.reason)
        }
        do {
            _ = try pod.builder(settings: base)
        } catch {
            throw ConfigurationError(key: "pod", message: error.reason)
        }
    }
}

/// A configuration problem, naming the key and where its value came from.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String
    /// The file, `environment` or `flag`, when known.
    public var origin: String?

    public init(key: String, message: String, origin: String? = nil) {
        self.key = key
        self.message = message
        self.origin = origin
    }

    public var description: String {
        let place = origin.map { " (from \($0))" } ?? ""
        return key.isEmpty ? "\(message)\(place)" : "\(key): \(message)\(place)"
    }
}

extension Configuration {
    /// The saga's own timeout: upstream's saga marks itself timed out after 300 s, without compensation.
    public static let sagaTimeout: Duration = .seconds(300)

    /// Valid but doubtful settings, one line each (`<key>: <why>`): `check-config` and `run` print them, a reload
    /// logs them.
    public var warnings: [String] {
        var warnings: [String] = []
        if source.kind == .kafka && kafka.assignmentStrategy.isEager {
            warnings.append(
                "kafka.assignment_strategy: \(kafka.assignmentStrategy.rawValue) is eager: every join, leave or restart "
                    + "of any member stops every supervisor of the group; use it only while consumers that speak no "
                    + "cooperative protocol (the Python worker) share the group, then change to cooperative-sticky")
        }
        if source.kind == .kafka && kafka.groupInstanceID != "none" && kafka.sessionTimeout > .seconds(300) {
            warnings.append(
                "kafka.session_timeout: \(kafka.sessionTimeout) with static membership: the partitions of a supervisor "
                    + "that stops for good wait this long before the group gives them to another")
        }
        if workers.maxCommandAge >= Self.sagaTimeout {
            warnings.append(
                "workers.max_command_age: \(workers.maxCommandAge) is not below the saga's 300s timeout; a Pod may "
                    + "be created for a saga that has already timed out")
        }
        return warnings
    }
}
