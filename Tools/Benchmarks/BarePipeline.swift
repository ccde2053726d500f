import Glibc
import KafkaClient
import KafkaIngest
import Platform
import SupervisorCore

/// The fair baseline of the supervisor's Kafka ingest (issue 13, item 5): the same work with nothing of the
/// supervisor in it. One thread consumes the command backlog with the supervisor's own consumer and producer
/// settings (``KafkaSourceSettings`` from the benchmark's configuration), produces two records per command of the
/// size of upstream's `pod_created` and `execution_started` (486 and 495 bytes), and commits a command's offset once
/// both of its records are acknowledged, every 200 ms as the supervisor does in the benchmark. No decoding,
/// validation, dispatch, worker, or event encoding: what the supervisor adds is the difference.
enum BarePipeline {
    /// Where its records go: topics of their own, so that the benchmark's observers of `pod_events` never count them.
    static let topics = ["bare.pod_events", "bare.execution_events"]
    /// The token of the records that warm the producer up (no command's).
    static let warmUp = UInt64.max

    /// Commands per second from the first record consumed to the last acknowledgement, for `count` commands.
    static func rate(bootstrap: String, count: Int) throws -> Double {
        var configuration = KafkaBench.kafkaConfiguration(bootstrap: bootstrap, fastFetch: false)
        configuration.kafka.groupID = "bench-bare-pipeline"
        let settings = try KafkaSourceSettings(configuration)
        let consumer = try KafkaConsumer(configuration: settings.consumer)
        let producer = try KafkaProducer(configuration: settings.producer)
        let values = [
            [UInt8](repeating: UInt8(ascii: "x"), count: 486), [UInt8](repeating: UInt8(ascii: "y"), count: 495),
        ]
        let headers = [KafkaHeader(name: "content-type", string: "application/json")]
        // The producer's first record waits for its producer id and the topics' metadata (about a second on the
        // mock); the supervisor's producer has them before it consumes, so this one gets them first too.
        for topic in topics {
            try producer.produce(topic: topic, value: values[0], headers: headers, token: warmUp)
        }
        try producer.flush(timeout: .seconds(30))
        _ = producer.poll(maxEvents: 100)
        try consumer.subscribe(topics: ["saga_commands"])
        defer { _ = try? consumer.close() }

        var progress = Progress()
        let deadline = Benchmark.now() + 300_000_000_000
        var lastCommit = Benchmark.now()
        while progress.acknowledged < count, Benchmark.now() < deadline {
            var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, 1)
            for case .message(let message) in consumer.poll(maxEvents: 500) {
                if progress.firstConsumed == 0 { progress.firstConsumed = Benchmark.now() }
                let token = progress.track(message)
                for (topic, value) in zip(topics, values) {
                    try producer.produce(topic: topic, key: message.key, value: value, headers: headers, token: token)
                }
            }
            for report in producer.poll(maxEvents: 10_000) where report.token != warmUp {
                guard case .success = report.result else {
                    throw SupervisorError("bare pipeline: a record was not delivered: \(report.result)")
                }
                progress.acknowledge(report.token, at: Benchmark.now())
            }
            if Benchmark.now() - lastCommit >= 200_000_000 {
                let offsets = progress.committable()
                if !offsets.isEmpty { try consumer.commit(offsets) }
                lastCommit = Benchmark.now()
            }
        }
        guard progress.acknowledged == count else {
            throw SupervisorError("bare pipeline: \(progress.acknowledged) of \(count) commands acknowledged")
        }
        let offsets = progress.committable()
        if !offsets.isEmpty { _ = try consumer.commitSync(offsets) }
        return Double(count) / max(Double(progress.lastAcknowledged - progress.firstConsumed) / 1e9, 1e-9)
    }

    /// Which commands are consumed and how many of their two records are still unacknowledged; per partition, the
    /// next offset that may be committed (every record before it fully acknowledged).
    struct Progress {
        var firstConsumed: UInt64 = 0
        var lastAcknowledged: UInt64 = 0
        var acknowledged = 0
        private var commands: [(partition: Int32, offset: Int64, remaining: Int)] = []
        /// Per partition: the offsets consumed and not yet fully acknowledged, in order, and the commit position.
        private var open: [Int32: [Int64: Bool]] = [:]
        private var position: [Int32: Int64] = [:]
        private var committed: [Int32: Int64] = [:]

        mutating func track(_ message: KafkaMessage) -> UInt64 {
            commands.append((message.partition, message.offset, 2))
            open[message.partition, default: [:]][message.offset] = false
            if position[message.partition] == nil { position[message.partition] = message.offset }
            return UInt64(commands.count - 1)
        }

        mutating func acknowledge(_ token: UInt64, at now: UInt64) {
            let index = Int(token)
            commands[index].remaining -= 1
            guard commands[index].remaining == 0 else { return }
            acknowledged += 1
            lastAcknowledged = now
            let (partition, offset, _) = commands[index]
            open[partition]?[offset] = true
            // Advance over the acknowledged prefix.
            while let next = position[partition], open[partition]?[next] == true {
                open[partition]?[next] = nil
                position[partition] = next + 1
            }
        }

        /// The positions that moved since the last call.
        mutating func committable() -> [KafkaTopicPartitionOffset] {
            var offsets: [KafkaTopicPartitionOffset] = []
            for (partition, next) in position where committed[partition] != next {
                offsets.append(KafkaTopicPartitionOffset(topic: "saga_commands", partition: partition, offset: next))
                committed[partition] = next
            }
            return offsets
        }
    }
}
