import Glibc
import KafkaClient

/// Waits until one of `descriptors` is readable or `deadline` passes; `false` on timeout. This is the only
/// way the tests wait: on the wrappers' readiness descriptors, never on sleeps.
func waitReadable(_ descriptors: [Int32], until deadline: ContinuousClock.Instant) -> Bool {
    var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    while true {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
        let ready = entries.withUnsafeMutableBufferPointer {
            Glibc.poll($0.baseAddress, nfds_t($0.count), milliseconds)
        }
        if ready > 0 { return true }
        if ready < 0 && errno != EINTR { return false }
    }
}

/// Collects librdkafka log lines so a failing test can show them.
final class LogRecorder {
    private(set) var lines: [KafkaLogLine] = []

    var handler: KafkaLogHandler {
        { [unowned self] line in self.lines.append(line) }
    }

    var transcript: String {
        lines.suffix(40).map { "\($0.level) \($0.facility): \($0.message)" }.joined(separator: "\n")
    }
}

/// A consumer plus everything it reported, for assertions.
final class ConsumerProbe {
    let consumer: KafkaConsumer
    let logs = LogRecorder()
    var messages: [KafkaMessage] = []
    var assignments: [[KafkaTopicPartition]] = []
    var revocations: [[KafkaTopicPartition]] = []
    var losses: [[KafkaTopicPartition]] = []
    var commits: [Result<[KafkaTopicPartitionOffset], KafkaError>] = []
    var errors: [KafkaError] = []
    /// How many polls reported that an assignment's committed offsets could not be fetched.
    var committedOffsetsUnavailable = 0
    /// The partitions currently assigned, as tracked from events.
    var assigned: Set<KafkaTopicPartition> = []
    /// When true (the default), revocations are completed as soon as they are reported.
    var completesRevocationsImmediately = true

    init(_ configuration: KafkaConsumerConfiguration, topics: [String]) throws {
        consumer = try KafkaConsumer(configuration: configuration, logHandler: logs.handler)
        try consumer.subscribe(topics: topics)
    }

    func handle(_ event: KafkaConsumerEvent) throws {
        switch event {
        case .message(let message):
            messages.append(message)
        case .partitionsAssigned(let partitions):
            assignments.append(partitions)
            assigned.formUnion(partitions)
        case .partitionsRevoked(let partitions):
            revocations.append(partitions)
            if completesRevocationsImmediately { try completeRevocation(partitions) }
        case .partitionsLost(let partitions):
            losses.append(partitions)
            if completesRevocationsImmediately { try completeRevocation(partitions) }
        case .offsetsCommitted(let result):
            commits.append(result)
        case .error(let error):
            errors.append(error)
        case .committedOffsetsUnavailable:
            committedOffsetsUnavailable += 1
        }
    }

    func completeRevocation(_ partitions: [KafkaTopicPartition]) throws {
        try consumer.completeRevocation()
        assigned.subtract(partitions)
    }
}

/// Polls the probes whenever a readiness descriptor fires until `done()` holds or `timeout` passes.
@discardableResult
func drive(_ probes: [ConsumerProbe], within timeout: Duration = .seconds(20), until done: () -> Bool) throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    let descriptors = probes.map(\.consumer.readinessDescriptor)
    while !done() {
        guard waitReadable(descriptors, until: deadline) else { return done() }
        for probe in probes {
            for event in probe.consumer.poll(maxEvents: 500) {
                try probe.handle(event)
            }
        }
    }
    return true
}

/// Polls a producer on its readiness descriptor until `count` reports arrived or `timeout` passes.
func awaitReports(
    from producer: KafkaProducer,
    count: Int,
    within timeout: Duration = .seconds(20)
) -> [KafkaDeliveryReport] {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    var reports: [KafkaDeliveryReport] = []
    while reports.count < count {
        guard waitReadable([producer.readinessDescriptor], until: deadline) else { break }
        reports += producer.poll(maxEvents: 500)
    }
    return reports
}

/// Settings that make the mock cluster's group protocol quick without changing its semantics.
enum TestConfiguration {
    static func consumer(_ cluster: KafkaMockCluster, group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.groupID = group
        configuration.clientID = "test-\(group)"
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .milliseconds(300)
        configuration.additionalProperties = [
            "fetch.wait.max.ms": "50",
            "reconnect.backoff.ms": "50",
            "reconnect.backoff.max.ms": "500",
        ]
        return configuration
    }

    static func producer(_ cluster: KafkaMockCluster) -> KafkaProducerConfiguration {
        var configuration = KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers)
        configuration.clientID = "test-producer"
        configuration.additionalProperties = [
            "reconnect.backoff.ms": "50",
            "reconnect.backoff.max.ms": "500",
            "retry.backoff.ms": "50",
        ]
        return configuration
    }
}

/// Java's murmur2 (as in Kafka's `Utils.murmur2`), to check the producer's `murmur2_random` partitioner
/// against the JVM/aiokafka partition choice.
func javaMurmur2Partition(_ key: [UInt8], partitions: Int32) -> Int32 {
    let m: UInt32 = 0x5bd1_e995
    var h: UInt32 = 0x9747_b28c ^ UInt32(key.count)
    let whole = key.count / 4
    for index in 0..<whole {
        let i = index * 4
        var k = UInt32(key[i]) | UInt32(key[i + 1]) << 8 | UInt32(key[i + 2]) << 16 | UInt32(key[i + 3]) << 24
        k &*= m
        k ^= k >> 24
        k &*= m
        h &*= m
        h ^= k
    }
    let tail = whole * 4
    switch key.count % 4 {
    case 3:
        h ^= UInt32(key[tail + 2]) << 16
        h ^= UInt32(key[tail + 1]) << 8
        h ^= UInt32(key[tail])
        h &*= m
    case 2:
        h ^= UInt32(key[tail + 1]) << 8
        h ^= UInt32(key[tail])
        h &*= m
    case 1:
        h ^= UInt32(key[tail])
        h &*= m
    default:
        break
    }
    h ^= h >> 13
    h &*= m
    h ^= h >> 15
    return Int32(bitPattern: h & 0x7fff_ffff) % partitions
}

extension Array where Element == UInt8 {
    /// The bytes as UTF-8 text.
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Polls `consumer` until `count` messages arrived or `timeout` passed; returns them in arrival order.
func receive(_ count: Int, from consumer: KafkaConsumer, within timeout: Duration = .seconds(20)) -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = ContinuousClock.now + timeout
    while messages.count < count, ContinuousClock.now < deadline {
        _ = waitReadable([consumer.readinessDescriptor], until: min(deadline, ContinuousClock.now + .milliseconds(200)))
        for case .message(let message) in consumer.poll(maxEvents: 100) { messages.append(message) }
    }
    return messages
}
