import Events
import Glibc
import Platform
import KafkaClient
import KafkaIngest
import KubeAccess
import KubeExecution
import Logging
import SagaBridge
import SupervisorCore

/// Kafka ingest through the real supervisor (stub handler, no cluster), next to kcat consuming the same topic
/// in the same run, plus end-to-end latency from produce to `pod_created` delivery at low load.
enum KafkaBench {
    struct Result {
        var produceRate: Double
        var kcatRate: Double
        var supervisorRate: Double
        /// The bare librdkafka pipeline (``BarePipeline``) on the same backlog: the fair baseline of the supervisor.
        var bareRate: Double
        var latencyP50: Double
        var latencyP99: Double
        var count: Int
    }

    static let template =
        #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

    static func executionID(_ index: Int) -> String {
        let digits = String(index)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func run(count: Int, latencySamples: Int) throws -> Result {
        let cluster = try KafkaMockCluster(brokers: 1)
        for topic in ["saga_commands", "pod_events", "execution_events", "saga_commands.dlq"] + BarePipeline.topics {
            try cluster.createTopic(topic, partitions: topic == "saga_commands" ? 6 : 3)
        }
        let bootstrap = cluster.bootstrapServers.joined(separator: ",")
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
        let produceStart = Benchmark.now()
        try produce(producer, range: 0..<count)
        let produceRate = Double(count) / max(Double(Benchmark.now() - produceStart) / 1e9, 1e-9)

        let kcatRate = try kcat(bootstrap: bootstrap, expected: count)
        let bareRate = try BarePipeline.rate(bootstrap: bootstrap, count: count)

        // Phase 1, throughput: the supervisor consumes the backlog with librdkafka's defaults (as kcat does); an
        // observer thread counts pod_created and stops it at the end.
        let counting = Observer(bootstrap: cluster.bootstrapServers, producer: producer, backlog: count, samples: 0)
        counting.start()
        let source = try runSupervisor(bootstrap: bootstrap, fastFetch: false)
        counting.join()
        // From the first record consumed to the last command whose events were acknowledged.
        let elapsed = (source.lastSettledAt ?? .now()).since(source.firstConsumedAt ?? .now()).seconds
        let rate = Double(source.settled) / max(elapsed, 1e-9)

        // Phase 2, latency at low load: one command at a time. The mock broker answers a fetch only when
        // fetch.wait.max.ms expires (a real broker answers as soon as data arrives), so both consumers use 5 ms
        // here; with the default every hop would add the mock's 500 ms of waiting.
        let timing = Observer(
            bootstrap: cluster.bootstrapServers, producer: producer, backlog: 0, samples: latencySamples)
        timing.start()
        _ = try runSupervisor(bootstrap: bootstrap, fastFetch: true)
        timing.join()
        let stats = Stats(timing.latencies)
        return Result(
            produceRate: produceRate, kcatRate: kcatRate, supervisorRate: rate, bareRate: bareRate,
            latencyP50: stats.p50,
            latencyP99: stats.p99, count: count)
    }

    /// Runs the real supervisor on the topic until an observer raises SIGTERM: 4 workers with the stub handler,
    /// or `workers` with the Kubernetes handler when `kubernetes` is given.
    @discardableResult
    static func runSupervisor(
        bootstrap: String, fastFetch: Bool, workers: Int = 4, kubernetes: KubernetesSettings? = nil
    ) throws -> KafkaCommandSource {
        var configuration = kafkaConfiguration(bootstrap: bootstrap, fastFetch: fastFetch)
        configuration.metrics.listen = ""  // no endpoint: it would collide with a service on the default port
        configuration.workers.count = workers
        configuration.workers.minReady = workers
        configuration.workers.concurrency = 8
        configuration.workers.handler = kubernetes == nil ? .stub : .kubernetes
        configuration.workers.executable = Benchmark.binDirectory + "/k8s-worker-process"
        configuration.dispatch.maxInFlight = 512
        configuration.log.level = "warning"
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let source = KafkaCommandSource(settings: try KafkaSourceSettings(configuration))
        let loader = ConfigurationLoader(path: nil, environment: ["PATH": "/usr/bin:/bin"], overrides: [])
        let settings = kubernetes?.json ?? []
        let supervisor = try Supervisor(
            configuration: configuration, loader: loader, source: source, logger: logger,
            handlerSettings: { _ in settings })
        _ = try supervisor.run()
        return source
    }

    /// The Kafka part of the benchmark's configuration, shared by the supervisor and the bare pipeline it is
    /// compared with: the shipped settings but a commit every 200 ms and a short session.
    static func kafkaConfiguration(bootstrap: String, fastFetch: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.source.kind = .kafka
        configuration.kafka.bootstrapServers = bootstrap
        configuration.kafka.commitInterval = .milliseconds(200)
        // The mock coordinator holds every rebalance of a group that had members for about the session timeout
        // (a real broker completes it once the known members have rejoined), so the second supervisor of a run
        // would wait 45 s for its partitions. Both phases use a short session.
        configuration.kafka.sessionTimeout = .seconds(6)
        configuration.kafka.properties = ["heartbeat.interval.ms": "500"]
        if fastFetch { configuration.kafka.properties["fetch.wait.max.ms"] = "5" }
        return configuration
    }

    /// The create command for `id`, stamped now as the saga stamps its commands (an old `timestamp` would make the
    /// Kubernetes handler fail it as expired, `workers.max_command_age`).
    static func command(_ id: String) -> [UInt8] {
        let now = Array((Timestamp(secondsSinceEpoch: Int64(time(nil))) ?? .epoch).iso8601.utf8)
        return commandTemplate.command(executionID: id, timestamp: now)
    }

    static let commandTemplate = CommandTemplate(
        template, executionID: "EXEC", timestamp: "2026-03-06T21:29:12.481337Z")

    static func produce(_ producer: KafkaProducer, range: Range<Int>) throws {
        for index in range {
            let id = executionID(index)
            try producer.produce(
                topic: "saga_commands", key: Array(id.utf8), value: command(id),
                headers: [KafkaHeader(name: "content-type", string: "application/json")], token: UInt64(index))
            if index % 1000 == 999 { _ = producer.poll(maxEvents: 10_000) }
        }
        try producer.flush(timeout: .seconds(60))
        _ = producer.poll(maxEvents: 100_000)
    }

    /// kcat reading the topic from the beginning; the rate is taken from its first to its last record.
    static func kcat(bootstrap: String, expected: Int) throws -> Double {
        guard case .success(let pipe) = Spawn.pipe() else { throw SupervisorError("pipe failed") }
        let fds = [pipe.read, pipe.write]
        let argv = [
            "/usr/bin/timeout", "120", "/usr/bin/kcat", "-C", "-b", bootstrap, "-t", "saga_commands", "-o", "beginning",
            "-c", String(expected), "-q", "-u", "-f", "%o\n",
        ]
        let options = Spawn.Options(fileActions: [
            .duplicate(fds[1], to: 1), .open(2, path: "/dev/null", flags: O_WRONLY),
        ])
        guard case .success(let pid) = Spawn.start(argv, options: options) else {
            close(fds[0])
            close(fds[1])
            throw SupervisorError("cannot run kcat (apt-get install kcat coreutils)")
        }
        close(fds[1])
        var lines = 0
        var first: UInt64 = 0
        var last: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            let now = Benchmark.now()
            if first == 0 { first = now }
            last = now
            lines += buffer[0..<count].count { $0 == UInt8(ascii: "\n") }
        }
        close(fds[0])
        Spawn.wait(pid)
        guard lines >= expected else { throw SupervisorError("kcat read \(lines) of \(expected) records") }
        return Double(lines - 1) / max(Double(last - first) / 1e9, 1e-9)
    }
}

/// Counts `pod_created` on its own thread, stops the supervisor when the backlog is through, then measures
/// latency one command at a time.
///
/// `@unchecked Sendable`: the fields written by the observer thread are read by the main thread only after
/// `join()` (pthread_join orders the accesses); the producer is used by this thread only after the main thread
/// has finished producing.
final class Observer: @unchecked Sendable {
    let bootstrap: [String]
    let producer: KafkaProducer
    let backlog: Int
    let samples: Int
    var backlogSeen = 0
    var backlogSeconds = 0.0
    var latencies: [UInt64] = []
    private var thread: PlatformThread?

    init(bootstrap: [String], producer: KafkaProducer, backlog: Int, samples: Int) {
        self.bootstrap = bootstrap
        self.producer = producer
        self.backlog = backlog
        self.samples = samples
    }

    func start() {
        thread = try? PlatformThread.start { [self] in body() }
        if thread == nil { raise(SIGTERM) }  // no observer: stop the supervisor rather than wait forever
    }

    func join() { thread?.join() }

    private func body() {
        defer { raise(SIGTERM) }  // always stop the supervisor
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrap)
        configuration.groupID = "bench-observer-\(samples)"
        configuration.autoOffsetReset = samples > 0 ? .latest : .earliest
        if samples > 0 { configuration.additionalProperties["fetch.wait.max.ms"] = "5" }
        guard let consumer = try? KafkaConsumer(configuration: configuration) else { return }
        // Counting joins a group. Sampling reads every partition from the beginning without one: with a group and
        // `latest`, a sample produced before the group settles would be missed and cost a whole sample deadline.
        let subscribed =
            samples == 0
            ? (try? consumer.subscribe(topics: ["pod_events"])) != nil
            : (try? consumer.assignFromBeginning(
                (0..<3).map { KafkaTopicPartition(topic: "pod_events", partition: $0) })) != nil
        guard subscribed else { return }
        var first: UInt64 = 0
        var last: UInt64 = 0
        let deadline = Benchmark.now() + 300_000_000_000
        while backlogSeen < backlog, Benchmark.now() < deadline {
            waitFor(consumer)
            for event in consumer.poll(maxEvents: 1000) {
                guard case .message = event else { continue }
                let now = Benchmark.now()
                if first == 0 { first = now }
                last = now
                backlogSeen += 1
            }
        }
        backlogSeconds = Double(last - first) / 1e9
        // Low load: one command at a time, produce → pod_created delivered. The first rounds only warm up (both
        // consumers must have joined their groups) and are not counted.
        let warmUp = samples > 0 ? 5 : 0
        for index in 0..<(samples + warmUp) {
            let id = KafkaBench.executionID(1_000_000 + index)
            let start = Benchmark.now()
            guard
                (try? producer.produce(
                    topic: "saga_commands", key: Array(id.utf8),
                    value: KafkaBench.command(id),
                    headers: [KafkaHeader(name: "content-type", string: "application/json")], token: UInt64(index)))
                    != nil
            else { return }
            _ = producer.poll(maxEvents: 100)
            var seen = false
            let sampleDeadline = start + 20_000_000_000
            while !seen, Benchmark.now() < sampleDeadline {
                waitFor(consumer)
                _ = producer.poll(maxEvents: 100)
                for event in consumer.poll(maxEvents: 100) {
                    if case .message(let message) = event, message.key == Array(id.utf8) { seen = true }
                }
            }
            if seen && index >= warmUp { latencies.append(Benchmark.now() - start) }
        }
        try? consumer.close()
    }

    private func waitFor(_ consumer: KafkaConsumer) {
        var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, 20)
    }
}

extension KafkaBench {
    static func table(_ result: Result) -> String {
        """
        | Kafka (librdkafka mock cluster, 1 broker, 6 partitions, \(result.count) create commands of ~900 B) | value |
        |---|---:|
        | kcat consuming the topic (records/s, first to last record) | \(Int(result.kcatRate)) |
        | librdkafka producing the commands into the mock, acks=all + idempotence (records/s) | \(Int(result.produceRate)) |
        | supervisor: consumed → 4 workers (stub handler) → 2 events acknowledged (commands/s, first record to last acknowledgement) | \(Int(result.supervisorRate)) |
        | bare librdkafka pipeline, the supervisor's Kafka settings: consume → produce 2 records of the events' size → commit once both are acknowledged (commands/s) | \(Int(result.bareRate)) |
        | supervisor ÷ bare pipeline | \(Int(result.supervisorRate / max(result.bareRate, 1) * 100))% |
        | supervisor ÷ kcat (context: kcat publishes nothing) | \(Int(result.supervisorRate / max(result.kcatRate, 1) * 100))% |
        | end-to-end latency at low load, produce → pod_created delivered, p50 (fetch.wait.max.ms=5) | \(Report.fixed(result.latencyP50 / 1000)) ms |
        | end-to-end latency at low load, p99 | \(Report.fixed(result.latencyP99 / 1000)) ms |
        """
    }
}

extension KafkaBench {
    static func json(_ result: Result) -> String {
        "{\"commands\":\(result.count),\"kcat_records_per_s\":\(Int(result.kcatRate)),"
            + "\"producer_records_per_s\":\(Int(result.produceRate)),\"supervisor_commands_per_s\":\(Int(result.supervisorRate)),"
            + "\"bare_pipeline_commands_per_s\":\(Int(result.bareRate)),"
            + "\"latency_p50_ms\":\(Report.fixed(result.latencyP50 / 1000)),\"latency_p99_ms\":\(Report.fixed(result.latencyP99 / 1000))}"
    }
}
