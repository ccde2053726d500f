/// Every configuration key: its name, type, documentation, and how to read and write it.
///
/// One table serves the file, the environment (`K8S_WORKER_` + the key upper-cased with `.` as `_`), the
/// `--set key=value` flag, validation of unknown keys, and the reference table in the README.
public struct ConfigurationKey: Sendable {
    /// Dotted name, e.g. `workers.count`.
    public let name: String
    /// `integer`, `duration`, `string` …, for the reference.
    public let type: String
    /// One line of documentation.
    public let summary: String
    /// Whether a reload (SIGHUP) applies a change; otherwise it needs a restart.
    public let reloadable: Bool
    let apply: @Sendable (inout Configuration, String) throws(ConfigurationError) -> Void
    let render: @Sendable (Configuration) -> String
    /// Copies this key's value from the second configuration into the first (a reload keeps restart-only keys).
    let keep: @Sendable (inout Configuration, Configuration) -> Void
    /// Whether the two configurations disagree on this key.
    let differs: @Sendable (Configuration, Configuration) -> Bool

    /// The environment variable that sets this key.
    public var environmentName: String {
        "K8S_WORKER_" + name.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }

    /// This key's value in `configuration`, in the file syntax.
    public func value(in configuration: Configuration) -> String { render(configuration) }
}

public enum ConfigurationKeys {
    /// All keys, in reference order.
    public static let all: [ConfigurationKey] =
        [
            int("workers.count", \.workers.count, "Worker processes to keep running.", reloadable: true),
            int("workers.min_ready", \.workers.minReady, "Ready workers needed before READY=1.", reloadable: true),
            int(
                "workers.concurrency", \.workers.concurrency, "Commands one worker may hold at once (new workers).",
                reloadable: true),
            choice(
                "workers.handler", \.workers.handler,
                "What workers do: `kubernetes` (the product), `stub` (saga commands without a cluster), `test`.",
                reloadable: true),
            string(
                "workers.executable", \.workers.executable,
                "Worker binary; empty = `k8s-worker-process` beside the supervisor.", reloadable: false),
            duration(
                "workers.handshake_timeout", \.workers.handshakeTimeout, "Kill a worker that has not said hello.",
                reloadable: true),
            duration(
                "workers.heartbeat_interval", \.workers.heartbeatInterval, "How often workers are pinged.",
                reloadable: true),
            duration(
                "workers.heartbeat_timeout", \.workers.heartbeatTimeout, "Kill a worker silent this long.",
                reloadable: true),
            duration(
                "workers.command_deadline", \.workers.commandDeadline,
                "Time one command may take on a worker, retries included.", reloadable: true),
            int(
                "workers.quarantine_after", \.workers.quarantineAfter,
                "Fail a command after it killed this many workers while running alone on them.", reloadable: true),
            duration(
                "workers.max_command_age", \.workers.maxCommandAge,
                "A create older than this (its `timestamp`) fails and creates nothing; keep below the saga's 300s.",
                reloadable: true),
            int(
                "workers.max_create_attempts", \.workers.maxCreateAttempts,
                "Pod creation attempts answered 500 before a create fails (over all its retries).", reloadable: true),
            duration(
                "restart.initial_backoff", \.restart.initialBackoff, "First restart delay of a crashed worker's slot.",
                reloadable: true),
            duration(
                "restart.max_backoff", \.restart.maxBackoff, "Largest restart delay; used in a crash loop.",
                reloadable: true),
            duration(
                "restart.reset_after", \.restart.resetAfter, "Uptime that resets a slot's backoff.", reloadable: true),
            int(
                "restart.crash_loop_threshold", \.restart.crashLoopThreshold,
                "Crashes in the window that mean a crash loop.",
                reloadable: true),
            duration(
                "restart.crash_loop_window", \.restart.crashLoopWindow, "Window for the crash-loop threshold.",
                reloadable: true),
            int(
                "dispatch.max_in_flight", \.dispatch.maxInFlight, "Accepted, unfinished commands before intake pauses.",
                reloadable: true),
            duration(
                "dispatch.retry_initial_backoff", \.dispatch.retryInitialBackoff,
                "Delay before a command the API could not take yet is tried again.", reloadable: true),
            duration(
                "dispatch.retry_max_backoff", \.dispatch.retryMaxBackoff,
                "Largest such delay (doubling per retry, with jitter).", reloadable: true),
            duration(
                "shutdown.drain_timeout", \.shutdown.drainTimeout, "Time in-flight work gets after SIGTERM.",
                reloadable: true),
            duration(
                "shutdown.kill_grace", \.shutdown.killGrace, "Time between SIGTERM and SIGKILL for workers.",
                reloadable: true),
            duration(
                "shutdown.final_timeout", \.shutdown.finalTimeout,
                "After the workers: time to publish what remains and commit. The stop ends by drain + grace + this.",
                reloadable: true),
            int("ipc.max_frame_bytes", \.ipc.maxFrameBytes, "Largest supervisor–worker frame.", reloadable: false),
            choice("source.kind", \.source.kind, "Command source: `lines` or `kafka`.", reloadable: false),
            string(
                "source.path", \.source.path, "`lines`: the command file (`key<TAB>payload` per line).",
                reloadable: false),
            string(
                "source.offset_file", \.source.offsetFile, "`lines`: committed position file; empty = `<path>.offset`.",
                reloadable: false),
            string(
                "source.journal", \.source.journal, "`lines`: JSON-lines file of results; empty = none.",
                reloadable: false),
            duration(
                "source.commit_interval", \.source.commitInterval, "How often the committed position is saved.",
                reloadable: false),
            bool(
                "source.stop_at_end", \.source.stopAtEnd, "`lines`: exit 0 once the file is fully processed.",
                reloadable: false),
            string(
                "kafka.bootstrap_servers", \.kafka.bootstrapServers, "Brokers, `host:port` comma-separated.",
                reloadable: false),
            string("kafka.group_id", \.kafka.groupID, "Consumer group shared by all supervisors.", reloadable: false),
            string(
                "kafka.client_id", \.kafka.clientID, "Client id; empty = `k8s-worker-<hostname>`.", reloadable: false),
            choice(
                "kafka.assignment_strategy", \.kafka.assignmentStrategy,
                "`auto` (cooperative-sticky if librdkafka ≥ 2.10, else roundrobin), or one strategy for the whole group.",
                reloadable: false),
            string(
                "kafka.group_instance_id", \.kafka.groupInstanceID,
                "Static membership: `auto` (Pod name or machine id), `none`, or an identity unique in the group.",
                reloadable: false),
            choice(
                "kafka.layout", \.kafka.layout, "`standard` or `per-event-type` (upstream's topics).", reloadable: false
            ),
            string(
                "kafka.command_topics", \.kafka.commandTopics,
                "Consumed topics, comma-separated; empty = the layout's.",
                reloadable: false),
            string(
                "kafka.pod_events_topic", \.kafka.podEventsTopic, "`pod_created` goes here (standard layout).",
                reloadable: false),
            string(
                "kafka.execution_events_topic", \.kafka.executionEventsTopic,
                "`execution_started`/`execution_failed` go here (standard layout).", reloadable: false),
            string(
                "kafka.dead_letter_topic", \.kafka.deadLetterTopic, "Undecodable and invalid records go here.",
                reloadable: false),
            choice(
                "kafka.auto_offset_reset", \.kafka.autoOffsetReset, "Where a group without offsets starts.",
                reloadable: false),
            duration("kafka.session_timeout", \.kafka.sessionTimeout, "Group session timeout.", reloadable: false),
            duration(
                "kafka.max_poll_interval", \.kafka.maxPollInterval, "librdkafka `max.poll.interval.ms`.",
                reloadable: false),
            duration(
                "kafka.commit_interval", \.kafka.commitInterval, "How often finished offsets are committed.",
                reloadable: false),
            int(
                "kafka.max_buffered", \.kafka.maxBuffered, "Records read ahead of dispatch before partitions pause.",
                reloadable: false),
            int(
                "kafka.max_buffered_bytes", \.kafka.maxBufferedBytes,
                "Bytes read ahead of dispatch before partitions pause.",
                reloadable: false),
            int(
                "kafka.max_record_bytes", \.kafka.maxRecordBytes, "Larger records are dead-lettered unparsed.",
                reloadable: false),
            int(
                "kafka.max_message_bytes", \.kafka.maxMessageBytes,
                "Largest record produced (producer `message.max.bytes`); at most the broker's and topics' limits.",
                reloadable: false),
            duration(
                "kafka.publish_stall_timeout", \.kafka.publishStallTimeout,
                "An event or dead letter unpublished this long makes `/readyz` not ready.", reloadable: false),
            duration(
                "kafka.revocation_timeout", \.kafka.revocationTimeout,
                "Time a revoked partition's in-flight work gets before release.", reloadable: false),
            choice(
                "kafka.security_protocol", \.kafka.securityProtocol, "plaintext, ssl, sasl_plaintext, sasl_ssl.",
                reloadable: false),
            string("kafka.sasl_mechanism", \.kafka.saslMechanism, "e.g. PLAIN, SCRAM-SHA-512.", reloadable: false),
            string("kafka.sasl_username", \.kafka.saslUsername, "SASL user.", reloadable: false),
            secret("kafka.sasl_password", \.kafka.saslPassword, "SASL password (never printed).", reloadable: false),
            ConfigurationKey(
                name: "kafka.properties", type: "mapping",
                summary:
                    "Extra librdkafka properties: a mapping `name: value` (or `name=value,...`); see kafka.properties below.",
                reloadable: false,
                apply: { (configuration: inout Configuration, text: String) throws(ConfigurationError) in
                    configuration.kafka.properties = try KafkaProperties.parse(text)
                },
                render: { KafkaProperties.render($0.kafka.properties) },
                keep: { $0.kafka.properties = $1.kafka.properties },
                differs: { $0.kafka.properties != $1.kafka.properties }
            ),
            choice(
                "kubernetes.source", \.kubernetes.source,
                "`auto` ($KUBECONFIG or ~/.kube/config, else in-cluster), `kubeconfig` or `in-cluster`.",
                reloadable: false),
            string(
                "kubernetes.kubeconfig", \.kubernetes.kubeconfig, "`kubeconfig`: the file (mode 0600 or stricter).",
                reloadable: false),
            string(
                "kubernetes.context", \.kubernetes.context, "Kubeconfig context; empty = its current-context.",
                reloadable: false),
            string(
                "kubernetes.namespace", \.kubernetes.namespace,
                "Namespace of executor Pods; default and kube-* are refused.", reloadable: false),
            choice(
                "kubernetes.rate_limit", \.kubernetes.rateLimit,
                "API rate limit of all workers together: `adaptive` (slow down on 429/503, speed up on clean answers), "
                    + "`fixed` or `off`.",
                reloadable: true),
            int(
                "kubernetes.qps", \.kubernetes.qps,
                "API requests per second of all workers together: the ceiling (`fixed`: the rate); 0 = unlimited.",
                reloadable: true),
            int(
                "kubernetes.burst", \.kubernetes.burst, "API requests allowed at once above the rate.",
                reloadable: true),
            duration(
                "kubernetes.connect_timeout", \.kubernetes.connectTimeout, "Connection set-up limit.", reloadable: false
            ),
            duration(
                "kubernetes.request_timeout", \.kubernetes.requestTimeout, "Limit of one request attempt.",
                reloadable: false),
            int(
                "kubernetes.termination_grace_period", \.kubernetes.terminationGracePeriod,
                "Seconds between TERM and KILL for executor Pods (create and delete).", reloadable: false),
            string(
                "kubernetes.runtime_class", \.kubernetes.runtimeClass,
                "runtimeClassName of executor Pods; empty = none.",
                reloadable: false),
            bool(
                "kubernetes.prepare_namespace", \.kubernetes.prepareNamespace,
                "At start, apply the deny-all NetworkPolicy and Pod Security labels.", reloadable: false),
            choice(
                "kubernetes.on_forbidden", \.kubernetes.onForbidden,
                "If RBAC forbids that: `fail` or `warn` (start anyway).",
                reloadable: false),
            bool(
                "kubernetes.pre_pull_images", \.kubernetes.prePullImages,
                "Keep the DaemonSet `runtime-image-pre-puller` pulling every runtime image on the executors' nodes.",
                reloadable: true),
            string("log.level", \.log.level, "trace, debug, info, notice, warning, error, critical.", reloadable: true),
            choice(
                "log.format", \.log.format,
                "`json`, `text` or `auto` (text on a terminal); native journald entries when stderr is the journal.",
                reloadable: false),
            string(
                "metrics.listen", \.metrics.listen,
                "HTTP `address:port` for /metrics, /healthz, /readyz (`[IPv6]:port`; port 0 = any free port); empty = off.",
                reloadable: false),
        ] + pod

    /// The key named `name`, if any; `kafka.properties.<name>` is one librdkafka property.
    public static func key(named name: String) -> ConfigurationKey? {
        all.first { $0.name == name } ?? KafkaProperties.entryKey(named: name)
    }

    /// One key of any value type: `parse` turns text into a value (nil = malformed, `problem` says what is
    /// expected), `render` turns it back into text.
    static func key<Value: Equatable & Sendable>(
        _ name: String, _ path: any WritableKeyPath<Configuration, Value> & Sendable, type: String, _ summary: String,
        reloadable: Bool, problem: String, parse: @escaping @Sendable (String) -> Value?,
        render: @escaping @Sendable (Value) -> String
    ) -> ConfigurationKey {
        ConfigurationKey(
            name: name, type: type, summary: summary, reloadable: reloadable,
            apply: { (configuration: inout Configuration, text: String) throws(ConfigurationError) in
                guard let value = parse(text) else {
                    throw ConfigurationError(key: name, message: "'\(text)' \(problem)")
                }
                configuration[keyPath: path] = value
            },
            render: { render($0[keyPath: path]) },
            keep: { $0[keyPath: path] = $1[keyPath: path] }, differs: { $0[keyPath: path] != $1[keyPath: path] })
    }

    static func int(
        _ name: String, _ path: any WritableKeyPath<Configuration, Int> & Sendable, _ summary: String, reloadable: Bool
    ) -> ConfigurationKey {
        key(
            name, path, type: "integer", summary, reloadable: reloadable, problem: "is not an integer",
            parse: { Int($0.trimmed) }, render: { String($0) })
    }

    static func bool(
        _ name: String, _ path: any WritableKeyPath<Configuration, Bool> & Sendable, _ summary: String, reloadable: Bool
    ) -> ConfigurationKey {
        key(
            name, path, type: "boolean", summary, reloadable: reloadable, problem: "is not a boolean (true or false)",
            parse: { text in
                switch text.trimmed.lowercased() {
                case "true", "yes", "on", "1": true
                case "false", "no", "off", "0": false
                default: nil
                }
            },
            render: { $0 ? "true" : "false" })
    }

    /// A string that is never rendered (check-config --print, config-reference show `(secret)`).
    static func secret(
        _ name: String, _ path: any WritableKeyPath<Configuration, String> & Sendable, _ summary: String,
        reloadable: Bool
    ) -> ConfigurationKey {
        key(
            name, path, type: "string", summary, reloadable: reloadable, problem: "", parse: { $0 },
            render: { $0.isEmpty ? "" : "(secret)" })
    }

    static func string(
        _ name: String, _ path: any WritableKeyPath<Configuration, String> & Sendable, _ summary: String,
        reloadable: Bool
    ) -> ConfigurationKey {
        key(name, path, type: "string", summary, reloadable: reloadable, problem: "", parse: { $0 }, render: { $0 })
    }

    /// A key whose value is one of an enum's raw values; any other text is refused naming the allowed ones.
    static func choice<Value: ConfigurationChoice>(
        _ name: String, _ path: any WritableKeyPath<Configuration, Value> & Sendable, _ summary: String,
        reloadable: Bool
    ) -> ConfigurationKey {
        key(
            name, path, type: "one of " + Value.allowedText, summary, reloadable: reloadable,
            problem: "is not one of " + Value.allowedText, parse: { Value(rawValue: $0.trimmed) },
            render: { $0.rawValue })
    }

    static func duration(
        _ name: String, _ path: any WritableKeyPath<Configuration, Duration> & Sendable, _ summary: String,
        reloadable: Bool
    ) -> ConfigurationKey {
        key(
            name, path, type: "duration", summary, reloadable: reloadable,
            problem: "is not a duration (use e.g. 250ms, 5s, 2m, 1h, or seconds)", parse: DurationText.parse,
            render: DurationText.format)
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
