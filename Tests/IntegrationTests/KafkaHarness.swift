import Events
import Glibc
import KafkaClient

/// The docs/upstream-contract.md §3.7 create command; execution ids are substituted per test command.
let createTemplate =
    #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#
let deleteTemplate =
    #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","reason":"Saga compensation due to failure","pod_name":null,"namespace":null}"#
let sagaID = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"

/// `command` (a template above) stamped with the current time instead of the template's fixed 2026-03-06: a create
/// older than `workers.max_command_age` is failed as expired by the Kubernetes handler (the stub handler and the
/// lines source do not look at the age).
func stampedNow(_ command: String) -> String {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    let now = (Timestamp(secondsSinceEpoch: Int64(spec.tv_sec)) ?? .epoch).iso8601
    return command.replacing("2026-03-06T21:29:12.481337Z", with: now)
        .replacing("2026-03-06T21:29:15.004200Z", with: now)
}

func executionID(_ index: Int) -> String {
    let digits = String(index)
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
}

/// Polls `consumer` until `done` holds or `seconds` pass, waiting on its readiness descriptor.
func consume(_ consumer: KafkaConsumer, for seconds: Double, until done: ([KafkaMessage]) -> Bool) -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = TestSupport.monotonicSeconds() + seconds
    while TestSupport.monotonicSeconds() < deadline, !done(messages) {
        var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, 100)
        for event in consumer.poll(maxEvents: 500) {
            if case .message(let message) = event { messages.append(message) }
        }
    }
    return messages
}

/// A mock cluster with the standard topics, producers for commands and an observer of everything published.
final class KafkaHarness {
    let cluster: KafkaMockCluster
    let observer: KafkaConsumer
    private(set) var observed: [KafkaMessage] = []
    private var token: UInt64 = 0

    init(
        topics: [(String, Int)] = [
            ("saga_commands", 6), ("pod_events", 3), ("execution_events", 3), ("saga_commands.dlq", 1),
        ],
        observe: [String] = ["pod_events", "execution_events", "saga_commands.dlq"],
        missing: [String] = []
    ) throws {
        cluster = try KafkaMockCluster(brokers: 3)
        for (topic, partitions) in topics {
            try cluster.createTopic(topic, partitions: partitions, replicationFactor: 3)
        }
        for topic in missing { try cluster.setTopicError(topic: topic, error: .unknownTopicOrPartition) }
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.groupID = "observer-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        // A test client recovers from injected outages quickly: a fetch lost in an outage must not wait out
        // the default 60 s socket timeout before it is sent again.
        configuration.additionalProperties = ["socket.timeout.ms": "3000", "reconnect.backoff.max.ms": "500"]
        observer = try KafkaConsumer(configuration: configuration)
        // Assigned, not subscribed: a group member would lose its partitions in an injected outage and read
        // everything again, and the test would count its own duplicates.
        let partitions = topics.filter { observe.contains($0.0) }.flatMap { topic, count in
            (0..<count).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        }
        try observer.assignFromBeginning(partitions)
    }

    var bootstrap: String { cluster.bootstrapServers.joined(separator: ",") }

    /// Makes `topic` absent as a real broker's is. librdkafka's mock cluster creates any topic a consumer's
    /// Metadata request names, even with `allow.auto.create.topics=false` (which a broker honours), so a topic
    /// that must stay missing is pinned to the answer a broker gives for a topic it does not have:
    /// UNKNOWN_TOPIC_OR_PART. ``create(_:)`` lifts it.
    func markMissing(_ topic: String) throws {
        try cluster.setTopicError(topic: topic, error: .unknownTopicOrPartition)
    }

    /// Creates a topic ``markMissing(_:)`` pinned as absent.
    func create(_ topic: String) throws {
        try cluster.setTopicError(topic: topic, error: nil)
    }

    /// A Kafka broker's default `message.max.bytes` (Kafka's broker configuration reference): the largest
    /// record batch it accepts, 1 MiB plus the 12-byte log overhead.
    static let brokerDefaultMaxMessageBytes = 1_048_588

    /// `--set` arguments that point a supervisor at this cluster with the stub handler.
    func supervisorArguments(_ extra: [String: String] = [:]) -> [String] {
        var settings = [
            "source.kind": "kafka", "kafka.bootstrap_servers": bootstrap, "workers.handler": "stub",
            "kafka.commit_interval": "200ms", "kafka.session_timeout": "6s",
        ]
        for (key, value) in extra { settings[key] = value }
        return settings.sorted { $0.key < $1.key }.flatMap { ["--set", "\($0.key)=\($0.value)"] }
    }

    /// Produces records and waits for their delivery. Each call uses a fresh producer, so a test's own client
    /// never carries reconnect backoff from an outage the test injected into its next batch.
    /// `maxMessageBytes` defaults to a broker's default `message.max.bytes` (1,048,588): what any producer of
    /// the command topics could get past a real broker.
    func send(
        _ records: [(key: String, value: [UInt8])], topic: String = "saga_commands",
        headers: [KafkaHeader] = [KafkaHeader(name: "content-type", string: "application/json")],
        maxMessageBytes: Int = KafkaHarness.brokerDefaultMaxMessageBytes
    ) throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.maxMessageBytes = maxMessageBytes
        let producer = try KafkaProducer(configuration: configuration)
        for record in records {
            token += 1
            try producer.produce(
                topic: topic, key: Array(record.key.utf8), value: record.value, headers: headers, token: token)
        }
        try producer.flush(timeout: .seconds(30))
        _ = producer.poll(maxEvents: 10_000)
    }

    func sendCreates(_ range: Range<Int>) throws {
        try send(range.map { (executionID($0), Array(createTemplate.replacing("EXEC", with: executionID($0)).utf8)) })
    }

    /// Reads published records until `done` holds or `seconds` pass; returns everything seen so far.
    @discardableResult
    func observe(for seconds: Double, until done: ([KafkaMessage]) -> Bool) -> [KafkaMessage] {
        let deadline = TestSupport.monotonicSeconds() + seconds
        while TestSupport.monotonicSeconds() < deadline, !done(observed) {
            var entry = pollfd(fd: observer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 100)
            for event in observer.poll(maxEvents: 1000) {
                switch event {
                case .message(let message):
                    observed.append(message)
                case .partitionsRevoked, .partitionsLost:
                    // The observer holds nothing in flight: let the rebalance proceed at once.
                    try? observer.completeRevocation()
                default:
                    break
                }
            }
        }
        return observed
    }

    func observed(on topic: String) -> [KafkaMessage] { observed.filter { $0.topic == topic } }

    /// Execution ids of the `pod_created` events seen, with multiplicity.
    func createdExecutionIDs() -> [String] {
        observed(on: "pod_events").compactMap {
            try? PodCreatedEvent.decode($0.value, options: DecodingOptions()).executionID
        }
    }

    /// The k8s-worker group's committed offsets on `topic`, summed over `partitions`.
    func committedTotal(topic: String = "saga_commands", partitions: Int = 6) throws -> Int64 {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.groupID = "k8s-worker"
        let inspector = try KafkaConsumer(configuration: configuration)
        let committed = try inspector.committed(
            (0..<partitions).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }, timeout: .seconds(10))
        return committed.compactMap(\.offset).reduce(0, +)
    }
}
