import SupervisorCore
import Testing

/// Cross-field rules of ``Configuration/validate()``; every error names the key.
@Suite struct ConfigurationValidationTests {
    /// The built-in configuration, the production one: Kafka in, Kubernetes out.
    static var runnable: Configuration { Configuration() }

    struct Case: Sendable, CustomTestStringConvertible {
        let key: String
        let change: @Sendable (inout Configuration) -> Void
        let testDescription: String
        init(_ key: String, _ description: String, _ change: @escaping @Sendable (inout Configuration) -> Void) {
            self.key = key
            self.change = change
            testDescription = "\(key): \(description)"
        }
    }

    @Test func theDefaultsAreTheProductionConfigurationAndValid() throws {
        try Self.runnable.validate()
        #expect(Self.runnable.workers.handler == .kubernetes)
        #expect(Self.runnable.source.kind == .kafka)
    }

    /// Below the saga's 300 s timeout by default; at or above it is allowed but warned about.
    @Test func commandAgeAndCreateAttempts() {
        let defaults = Configuration()
        #expect(defaults.workers.maxCommandAge == .seconds(240))
        #expect(defaults.workers.maxCreateAttempts == 20)
        #expect(defaults.warnings.isEmpty)
        var configuration = defaults
        configuration.workers.maxCommandAge = .seconds(299)
        #expect(configuration.warnings.isEmpty)
        configuration.workers.maxCommandAge = .seconds(300)
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.hasPrefix("workers.max_command_age: ") == true)
        #expect(configuration.warnings.first?.contains("300s timeout") == true)
    }

    @Test func theLinesSourceNeedsAPath() {
        var configuration = Configuration()
        configuration.source.kind = .lines
        #expect(throws: ConfigurationError(key: "source.path", message: "is required for the lines source")) {
            try configuration.validate()
        }
    }

    static let violations: [Case] = [
        Case("workers.count", "negative") { $0.workers.count = -1 },
        Case("workers.count", "257") { $0.workers.count = 257 },
        Case("workers.min_ready", "negative") { $0.workers.minReady = -1 },
        Case("workers.concurrency", "0") { $0.workers.concurrency = 0 },
        Case("workers.concurrency", "1025") { $0.workers.concurrency = 1025 },
        Case("workers.heartbeat_interval", "zero") { $0.workers.heartbeatInterval = .zero },
        Case("workers.heartbeat_timeout", "equal to the interval") {
            $0.workers.heartbeatInterval = .seconds(5)
            $0.workers.heartbeatTimeout = .seconds(5)
        },
        Case("workers.heartbeat_timeout", "shorter than the interval") {
            $0.workers.heartbeatTimeout = .milliseconds(500)
        },
        Case("workers.handshake_timeout", "zero") { $0.workers.handshakeTimeout = .zero },
        Case("workers.command_deadline", "zero") { $0.workers.commandDeadline = .zero },
        Case("workers.quarantine_after", "zero") { $0.workers.quarantineAfter = 0 },
        Case("workers.max_command_age", "zero") { $0.workers.maxCommandAge = .zero },
        Case("workers.max_command_age", "negative") { $0.workers.maxCommandAge = .seconds(-1) },
        Case("workers.max_create_attempts", "zero") { $0.workers.maxCreateAttempts = 0 },
        Case("workers.max_create_attempts", "negative") { $0.workers.maxCreateAttempts = -3 },
        Case("restart.initial_backoff", "zero") { $0.restart.initialBackoff = .zero },
        Case("restart.max_backoff", "below the initial backoff") { $0.restart.maxBackoff = .milliseconds(99) },
        Case("restart.crash_loop_threshold", "zero") { $0.restart.crashLoopThreshold = 0 },
        Case("dispatch.max_in_flight", "zero") { $0.dispatch.maxInFlight = 0 },
        Case("shutdown.drain_timeout", "negative") { $0.shutdown.drainTimeout = .seconds(-1) },
        Case("shutdown.kill_grace", "negative") { $0.shutdown.killGrace = .milliseconds(-1) },
        Case("ipc.max_frame_bytes", "4095") { $0.ipc.maxFrameBytes = 4095 },
        Case("ipc.max_frame_bytes", "256 MiB + 1") { $0.ipc.maxFrameBytes = (256 << 20) + 1 },
        Case("source.path", "empty for the lines source") {
            $0.source.kind = .lines
            $0.source.path = ""
        },
        Case("source.commit_interval", "zero") { $0.source.commitInterval = .zero },
        Case("kafka.bootstrap_servers", "missing for kafka") { $0.kafka.bootstrapServers = "" },
        Case("kafka.max_buffered", "zero") { $0.kafka.maxBuffered = 0 },
        Case("kafka.max_buffered_bytes", "too small") { $0.kafka.maxBufferedBytes = 1000 },
        Case("kubernetes.kubeconfig", "missing for kubeconfig") { $0.kubernetes.source = .kubeconfig },
        Case("kubernetes.namespace", "default") { $0.kubernetes.namespace = "default" },
        Case("kubernetes.namespace", "kube-system") { $0.kubernetes.namespace = "kube-system" },
        Case("kubernetes.namespace", "not a name") { $0.kubernetes.namespace = "Exec_Pods" },
        Case("kubernetes.qps", "negative") { $0.kubernetes.qps = -1 },
        Case("kubernetes.burst", "zero") { $0.kubernetes.burst = 0 },
        Case("kubernetes.request_timeout", "zero") { $0.kubernetes.requestTimeout = .zero },
        Case("kubernetes.termination_grace_period", "negative") { $0.kubernetes.terminationGracePeriod = -1 },
        Case("kubernetes.runtime_class", "not a name") { $0.kubernetes.runtimeClass = "Run C" },
        Case("dispatch.retry_max_backoff", "below initial") { $0.dispatch.retryMaxBackoff = .milliseconds(1) },
        Case("log.level", "unknown") { $0.log.level = "verbose" },
    ]

    @Test(arguments: violations)
    func violationNamesItsKey(_ violation: Case) {
        var configuration = Self.runnable
        violation.change(&configuration)
        do {
            try configuration.validate()
            Issue.record("\(violation.testDescription) was accepted")
        } catch {
            #expect(error.key == violation.key)
            #expect(!error.message.isEmpty)
            #expect(error.description.hasPrefix("\(violation.key): "))
        }
    }

    static let boundaries: [Case] = [
        Case("workers.count", "0") { $0.workers.count = 0 },
        Case("workers.count", "256") { $0.workers.count = 256 },
        Case("workers.min_ready", "above count (clamped by the supervisor)") { $0.workers.minReady = 10 },
        Case("workers.concurrency", "1") { $0.workers.concurrency = 1 },
        Case("workers.concurrency", "1024") { $0.workers.concurrency = 1024 },
        Case("workers.heartbeat_timeout", "just above the interval") {
            $0.workers.heartbeatTimeout = $0.workers.heartbeatInterval + .nanoseconds(1)
        },
        Case("restart.max_backoff", "equal to the initial backoff") {
            $0.restart.maxBackoff = $0.restart.initialBackoff
        },
        Case("shutdown.drain_timeout", "zero") { $0.shutdown.drainTimeout = .zero },
        Case("workers.max_command_age", "1ms") { $0.workers.maxCommandAge = .milliseconds(1) },
        Case("workers.max_command_age", "an hour (valid, with a warning)") {
            $0.workers.maxCommandAge = .seconds(3600)
        },
        Case("workers.max_create_attempts", "1") { $0.workers.maxCreateAttempts = 1 },
        Case("shutdown.kill_grace", "zero") { $0.shutdown.killGrace = .zero },
        Case("ipc.max_frame_bytes", "4096") { $0.ipc.maxFrameBytes = 4096 },
        Case("ipc.max_frame_bytes", "256 MiB") { $0.ipc.maxFrameBytes = 256 << 20 },
        Case("log.level", "upper case") { $0.log.level = "WARNING" },
        Case("log.format", "json") { $0.log.format = .json },
        Case("log.format", "text") { $0.log.format = .text },
    ]

    @Test(arguments: boundaries)
    func boundaryIsAccepted(_ boundary: Case) throws {
        var configuration = Self.runnable
        boundary.change(&configuration)
        try configuration.validate()
    }

    @Test func errorDescriptionNamesKeyAndOrigin() {
        let error = ConfigurationError(
            key: "workers.count", message: "'x' is not an integer", origin: "/etc/k8s-worker.yaml")
        #expect(error.description == "workers.count: 'x' is not an integer (from /etc/k8s-worker.yaml)")
        #expect(ConfigurationError(key: "", message: "not valid YAML").description == "not valid YAML")
    }
}

/// Keys with a fixed set of values refuse anything else as they are read, naming every allowed value.
@Suite struct ConfigurationChoiceTests {
    static let unknown: [(key: String, value: String, allowed: [String])] = [
        ("workers.handler", "docker", ["kubernetes", "stub", "test"]),
        ("source.kind", "nats", ["kafka", "lines"]),
        ("kafka.layout", "flat", ["standard", "per-event-type"]),
        ("kafka.auto_offset_reset", "middle", ["earliest", "latest"]),
        ("kafka.security_protocol", "tls", ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]),
        ("kubernetes.source", "magic", ["auto", "kubeconfig", "in-cluster"]),
        ("kubernetes.on_forbidden", "ignore", ["fail", "warn"]),
        ("log.format", "xml", ["json", "text", "auto"]),
    ]

    @Test(arguments: unknown.map { [$0.key, $0.value] + $0.allowed })
    func unknownValueNamesTheAllowedOnes(_ row: [String]) {
        let (key, value, allowed) = (row[0], row[1], Array(row[2...]))
        let loader = ConfigurationLoader(path: nil, environment: [:], overrides: [("source.path", "/x"), (key, value)])
        do {
            _ = try loader.load()
            Issue.record("\(key)=\(value) was accepted")
        } catch {
            #expect(error.key == key)
            #expect(error.message.contains("'\(value)'"))
            for name in allowed { #expect(error.message.contains("`\(name)`"), "\(error.message) lists \(name)") }
        }
    }

    @Test(
        "every allowed value is read back as itself",
        arguments: unknown.flatMap { row in row.allowed.map { [row.key, $0] } })
    func allowedValueRoundTrips(_ pair: [String]) throws {
        var overrides = [("source.path", "/x"), (pair[0], pair[1])]
        if pair[0] == "kubernetes.source" && pair[1] == "kubeconfig" {
            overrides.append(("kubernetes.kubeconfig", "/k"))
        }
        if pair[0] == "source.kind" && pair[1] == "kafka" { overrides.append(("kafka.bootstrap_servers", "b:9092")) }
        let loaded = try ConfigurationLoader(path: nil, environment: [:], overrides: overrides).load()
        #expect(ConfigurationKeys.key(named: pair[0])?.value(in: loaded) == pair[1])
    }
}
