import Demo
import Events
import Glibc
import KafkaClient
import KubeSimulator
import SagaBridge

/// The run's own Kafka clients on their own thread: produces the command stream at its pace into
/// `saga_commands` and reads everything the supervisors publish (by assignment, from the beginning, so every
/// record is seen exactly once whatever the group does). Both feed the shared ledger. Blocking librdkafka calls
/// stay on this thread.
final class ChaosTraffic: Sendable {
    struct Settings: Sendable {
        var bootstrapServers: [String]
        var commandTopic = "saga_commands"
        var observedTopics: [(name: String, partitions: Int)]
        var deadLetterTopic = "saga_commands.dlq"
        var commands: Int
        var commandsPerSecond: Double
        var stream: ChaosCommandStream
    }

    private let settings: Settings
    private let ledger: SharedLedger
    private let thread = WorkerThread(name: "traffic")

    init(settings: Settings, ledger: SharedLedger) {
        self.settings = settings
        self.ledger = ledger
    }

    /// Why the thread gave up, if it did.
    var failed: String? { thread.failed }

    func start() throws(ChaosError) { try thread.start { [self] in body() } }

    func stop() { thread.stop() }

    /// Produces and observes until stopped; returns why it could not, if so.
    private func body() -> String? {
        let producer: KafkaProducer
        let consumer: KafkaConsumer
        do {
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: settings.bootstrapServers)
            producerConfiguration.clientID = "chaos-driver"
            producerConfiguration.additionalProperties = Self.recoveryProperties
            producer = try KafkaProducer(configuration: producerConfiguration)
            var configuration = KafkaConsumerConfiguration(bootstrapServers: settings.bootstrapServers)
            configuration.groupID = "k8s-worker-chaos-observer"
            configuration.clientID = "chaos-observer"
            configuration.additionalProperties = Self.recoveryProperties.merging(["fetch.wait.max.ms": "10"]) { $1 }
            consumer = try KafkaConsumer(configuration: configuration)
            try consumer.assignFromBeginning(
                settings.observedTopics.flatMap { topic in
                    (0..<topic.partitions).map { KafkaTopicPartition(topic: topic.name, partition: Int32($0)) }
                })
        } catch {
            return "traffic: \(error)"
        }
        defer { try? consumer.close() }
        var stream = settings.stream
        let start = ChaosClock.now()
        var next = 0
        while !thread.isStopping {
            // Produce what is due.
            while next < settings.commands, ChaosClock.now() >= start + Double(next) / settings.commandsPerSecond {
                let command = ledger.withLock { stream.next(ledger: &$0) }
                do {
                    try producer.produce(
                        topic: settings.commandTopic, key: Array(command.key.utf8), value: command.value,
                        headers: [KafkaHeader(name: "content-type", string: "application/json")],
                        token: UInt64(command.index))
                } catch {
                    return "producing command \(command.index): \(error)"
                }
                next += 1
            }
            let reports = producer.poll(maxEvents: 1000)
            if !reports.isEmpty {
                ledger.withLock { ledger in
                    for report in reports {
                        ledger.recordDelivery(
                            index: Int(report.token), partition: report.partition, offset: report.offset,
                            error: report.error.map { "\($0)" })
                    }
                }
            }
            // Read what was published, waiting at most until the next command is due.
            let due = next < settings.commands ? start + Double(next) / settings.commandsPerSecond : .infinity
            let wait = Int32(max(0, min(20, ((due - ChaosClock.now()) * 1000).rounded(.up))))
            var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, wait)
            let messages = consumer.poll(maxEvents: 1000).compactMap { event -> KafkaMessage? in
                if case .message(let message) = event { message } else { nil }
            }
            guard !messages.isEmpty else { continue }
            ledger.withLock { ledger in
                for message in messages {
                    ledger.recordPublished(
                        topic: message.topic, partition: message.partition, offset: message.offset,
                        key: String(decoding: message.key ?? [], as: UTF8.self), value: message.value,
                        deadLetterTopic: settings.deadLetterTopic,
                        deadLetterReason: message.header(RecordHeaders.dlqError).map {
                            String(decoding: $0, as: UTF8.self)
                        })
                }
            }
        }
        _ = try? producer.flush(timeout: .seconds(5))
        return nil
    }

    /// The run's own clients recover from injected outages quickly: a request lost in an outage must not wait
    /// out librdkafka's default 60 s socket timeout or 10 s reconnect backoff.
    static let recoveryProperties = ["socket.timeout.ms": "3000", "reconnect.backoff.max.ms": "500"]
}
