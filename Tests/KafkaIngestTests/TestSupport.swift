import Platform
import Events
import IPC
import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

@testable import KafkaIngest

/// A hand-made clock: `ms(1500)` is 1.5 s after an arbitrary, non-zero origin.
func ms(_ milliseconds: Int) -> Instant {
    Instant(nanoseconds: 1_000_000_000_000 + UInt64(milliseconds) * 1_000_000)
}

/// The wall-clock time written into events and dead letters.
let wallClock = Timestamp(secondsSinceEpoch: 1_772_832_553, microsecond: 250_004)!

let commandTopic = "saga_commands"
let p0 = KafkaTopicPartition(topic: commandTopic, partition: 0)
let p1 = KafkaTopicPartition(topic: commandTopic, partition: 1)

/// One execution's `create_pod_command` and `delete_pod_command`, encoded as upstream sends them.
let executionID = "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"
let commandMetadata = EventMetadata(
    serviceName: "saga-orchestrator", serviceVersion: "1.0.0", userID: "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e")
let createCommand = CreatePodCommand(
    eventID: "0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f", timestamp: wallClock, aggregateID: executionID,
    metadata: commandMetadata, sagaID: "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", executionID: executionID,
    script: "print('hello, k8s')\n", language: "python", languageVersion: "3.11", runtimeImage: "python:3.11-slim",
    runtimeCommand: ["python", "/scripts/main.py"], runtimeFilename: "main.py", timeoutSeconds: 5, cpuLimit: "1000m",
    memoryLimit: "128Mi", cpuRequest: "200m",
    memoryRequest: "128Mi"
).encoded()
let deleteCommand = DeletePodCommand(
    eventID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", timestamp: wallClock, aggregateID: executionID,
    metadata: commandMetadata, sagaID: "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", executionID: executionID,
    reason: "Saga compensation due to failure"
).encoded()

/// Settings for the core: the standard topic layout and the defaults, with what a test varies.
func settings(
    maxBuffered: Int = 10_000, maxBufferedBytes: Int = 32 << 20, revocationTimeout: Duration = .seconds(30),
    publishStallTimeout: Duration = .seconds(60)
) -> KafkaSourceSettings {
    KafkaSourceSettings(
        consumer: KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"]),
        producer: KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:9"]), layout: .standard,
        commitInterval: .seconds(1), maxBuffered: maxBuffered, maxBufferedBytes: maxBufferedBytes,
        revocationTimeout: revocationTimeout, publishRetryBackoff: .milliseconds(200),
        publishStallTimeout: publishStallTimeout)
}

/// A record at `offset` of `partition`: a valid create command unless `value` says otherwise.
func message(_ offset: Int64, _ partition: KafkaTopicPartition = p0, value: [UInt8] = createCommand) -> KafkaMessage {
    KafkaMessage(
        topic: partition.topic, partition: partition.partition, offset: offset, key: Array("key-\(offset)".utf8),
        value: value)
}

/// A transient produce failure (the local queue is full) and a permanent one (the record is too large).
let queueFull = KafkaError(code: .queueFull, message: "Local: Queue full")
let tooLarge = KafkaError(code: .messageSizeTooLarge, message: "Broker: Message size too large")

extension KafkaSourceCore {
    /// A core with `partitions` assigned.
    init(settings: KafkaSourceSettings, assigned partitions: [KafkaTopicPartition]) {
        self.init(settings: settings)
        _ = partitionsAssigned(partitions)
    }

    /// Consumes records at `offsets` of `partition`, returning the actions.
    @discardableResult
    mutating func consume(
        _ offsets: ClosedRange<Int64>, of partition: KafkaTopicPartition = p0, at now: Instant = ms(0)
    )
        -> [Action]
    {
        offsets.flatMap { consumed(message($0, partition), now: now, wallClock: wallClock) }
    }

    /// Finishes the command at `offset` of stream `stream` as created, returning the actions.
    mutating func finishCreated(_ offset: Int64, stream: Int32 = 0, at now: Instant = ms(0)) -> [Action] {
        commandFinished(
            CommandOrigin(partition: stream, offset: offset), key: "key-\(offset)",
            outcome: .created(podName: "pod", namespace: "ns", uid: "uid"), now: now, wallClock: wallClock)
    }

    /// Delivers every token produced by `actions`.
    mutating func deliverAll(_ actions: [Action], at now: Instant = ms(0)) {
        for (token, _) in produced(actions) { delivered(token, now: now) }
    }
}

/// The records `actions` produce, with their tokens.
func produced(_ actions: [KafkaSourceCore.Action]) -> [(token: UInt64, record: OutgoingRecord)] {
    actions.compactMap {
        if case .produce(let token, let record) = $0 { return (token, record) }
        return nil
    }
}

/// The offsets `actions` commit asynchronously.
func committed(_ actions: [KafkaSourceCore.Action]) -> [KafkaTopicPartitionOffset] {
    actions.flatMap {
        if case .commit(let offsets) = $0 { return offsets }
        return []
    }
}

/// The levels and messages of the log lines among `actions`.
func logs(_ actions: [KafkaSourceCore.Action]) -> [String] {
    actions.compactMap {
        if case .log(let level, let message, _) = $0 { return "\(level): \(message)" }
        return nil
    }
}

func offset(_ partition: KafkaTopicPartition, _ position: Int64) -> KafkaTopicPartitionOffset {
    KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: position)
}
