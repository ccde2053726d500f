import Platform
import DequeModule
import Events
import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

/// The Kafka command source's policy: which offsets may be committed, how deliveries are retried or replaced,
/// when partitions are paused and resumed, how a revocation or a loss is honoured, and when the source is ready.
///
/// Pure: it never touches librdkafka, the clock or the supervisor. Every input takes the time (and the wall-clock
/// ``Timestamp`` where an event or dead letter is built) and returns ``Action``s that ``KafkaCommandSource``
/// carries out; the outcome of an action that can fail comes back as another input (``deliveryFailed(_:error:now:)``,
/// ``commitNotSubmitted()``, ``pauseFailed()``, …). Tests drive it with a hand-made clock.
///
/// Commit discipline: an offset is done once its command's events (or its dead letter) are delivered, or it
/// needs none; the commit position of a partition is the lowest offset not done (``CommitTracker``).
struct KafkaSourceCore {
    /// A command handed out, remembered until its events are delivered.
    struct Pending {
        var command: InboundCommand?
        var trace: String?
        /// Deliveries still outstanding for this origin.
        var outstanding = 0

        /// One delivery is out of the way; returns whether none is left.
        mutating func settleOne() -> Bool {
            outstanding -= 1
            return outstanding <= 0
        }
    }

    /// One record being produced (an event or a dead letter), retried until delivered.
    struct Delivery {
        var origin: CommandOrigin
        var record: OutgoingRecord
        /// When it was first handed to the producer (for `kafka.publish_stall_timeout`).
        var since: Instant
        var attempts = 0
    }

    /// A revocation being honoured: in-flight work of these partitions finishes, then they are committed and
    /// released.
    struct Revocation {
        var partitions: [KafkaTopicPartition]
        var deadline: Instant
        /// Started by the source itself, to fetch the partitions' committed offsets again (cooperative protocol),
        /// rather than by the group: on completion they are reassigned locally instead of released.
        var refetch = false
    }

    /// What the shell must do, in order.
    enum Action: Equatable, Sendable {
        /// Hand the record to the producer with `token`; a failure to enqueue comes back through
        /// ``deliveryFailed(_:error:now:)``, the delivery report through ``delivered(_:now:)`` or that.
        case produce(token: UInt64, record: OutgoingRecord)
        /// Commit asynchronously; a failure to submit comes back through ``commitNotSubmitted()``, the
        /// coordinator's answer through ``commitCompleted(_:)``.
        case commit([KafkaTopicPartitionOffset])
        /// Commit synchronously before revoked partitions are released; the result comes back through
        /// ``revocationCommitFinished(succeeded:)``.
        case commitBeforeRelease([KafkaTopicPartitionOffset])
        /// Pause these partitions; a failure comes back through ``pauseFailed()``.
        case pause([KafkaTopicPartition])
        /// Resume these partitions; a failure comes back through ``resumeFailed()``.
        case resume([KafkaTopicPartition])
        /// Take back the supervisor's queued (not yet dispatched) commands of these streams.
        case withdrawQueued(streams: Set<Int32>)
        /// Tell the consumer the revocation (or loss) is handled.
        case completeRevocation
        /// Subscribe again, so that the group assigns anew; a failure comes back through ``rejoinFailed(now:)``.
        case rejoin
        /// Reassign these partitions locally so that their committed offsets are fetched again (cooperative
        /// protocol), then report them through ``partitionsAssigned(_:)``; a failure also comes back through
        /// ``rejoinFailed(now:)``.
        case reassignFromCommitted([KafkaTopicPartition])
        /// Log a line.
        case log(Logger.Level, String, Logger.Metadata)
    }

    /// Coalesces the per-partition errors of one failed fetch into one rejoin.
    static let rejoinDelay: Duration = .milliseconds(500)
    /// The longest wait between publish retries.
    static let maxRetryDelay: Duration = .seconds(30)

    let settings: KafkaSourceSettings
    let triage: CommandTriage

    // Partitions are numbered locally (stream ids) so that one CommitTracker and CommandOrigin cover any
    // number of topics.
    var streamIDs: [KafkaTopicPartition: Int32] = [:]
    var streams: [Int32: KafkaTopicPartition] = [:]
    var assigned: Set<KafkaTopicPartition> = []
    var tracker = CommitTracker()
    var buffered: Deque<SourceCommand> = []
    var bufferedBytes = 0
    var pending: [CommandOrigin: Pending] = [:]
    var deliveries: [UInt64: Delivery] = [:]
    var retries: [(at: Instant, token: UInt64)] = []
    var nextToken: UInt64 = 1
    var revocation: Revocation?
    /// When to rejoin the group because an assignment's committed offsets could not be fetched.
    var rejoinAt: Instant?
    /// Whether backpressure holds the assigned partitions paused.
    var paused = false
    var lastCommit: Instant?
    var commitInFlight = false

    // Reporting.
    /// When the first record was consumed, and when the last command was fully handled (events acknowledged).
    var firstConsumedAt: Instant?
    var lastSettledAt: Instant?
    /// Records fully handled: commands whose events were acknowledged, and dead letters delivered.
    var settled = 0
    var consumed = 0
    var deadLettered = 0
    var published = 0
    var lastError: String?
    /// Readiness: an assignment arrived and was not lost since.
    var groupJoined = false
    /// When librdkafka reported every broker down, until a sign of broker contact.
    var brokersDownSince: Instant?
    /// Topics of the layout found missing or unusable by the last metadata check (the shell's ``TopicWatch``).
    var topicProblems: [TopicCheck.Problem] = []
    var commitsAcknowledged = 0
    var commitFailures = 0
    /// Produce failures no retry could cure, and the records given up for them (dead letters refused in turn).
    var permanentFailures = 0
    var dropped = 0

    init(settings: KafkaSourceSettings) {
        self.settings = settings
        self.triage = CommandTriage(layout: settings.layout, maxRecordBytes: settings.maxRecordBytes)
    }

    /// Up to `max` buffered commands, oldest first. Call ``adjustBackpressure()`` afterwards.
    mutating func fetch(max: Int) -> [SourceCommand] {
        var commands: [SourceCommand] = []
        while commands.count < max, let next = buffered.popFirst() {
            bufferedBytes -= next.payload.count
            commands.append(next)
        }
        return commands
    }

    /// When a timer of the core (commit interval, publish retry, rejoin, revocation) next needs a ``KafkaSourceCore``
    /// input; the shell adds its own poll interval.
    func nextDeadline(now: Instant) -> Instant {
        var candidates = [(lastCommit ?? now) + settings.commitInterval]
        if let retry = retries.map(\.at).min() { candidates.append(retry) }
        // A rejoin waits for a revocation under way, which is checked every 50 ms: a due rejoin must not make the
        // loop spin meanwhile.
        if let revocation {
            candidates.append(min(revocation.deadline, now + .milliseconds(50)))
        } else if let rejoinAt {
            candidates.append(rejoinAt)
        }
        return candidates.min() ?? now
    }

    /// Why the source is not ready, as far as the core knows (the shell first checks that the clients are open
    /// and not failed): all brokers down recently, no assignment, or a publish stall.
    func readinessProblem(now: Instant) -> String? {
        if let since = brokersDownSince, now.since(since) < settings.consumer.sessionTimeout {
            return "kafka: all brokers down"
        }
        if let first = topicProblems.first {
            let more = topicProblems.count > 1 ? " (and \(topicProblems.count - 1) more topic problems)" : ""
            return "kafka: \(first)" + more
        }
        if !groupJoined { return "kafka: waiting for the consumer group to assign partitions" }
        return publishStall(now: now)
    }

    /// The positions that may be committed: for each assigned partition, the lowest offset not finished.
    func committableOffsets() -> [KafkaTopicPartitionOffset] {
        tracker.committable().compactMap { item in
            guard let partition = streams[item.partition], assigned.contains(partition) else { return nil }
            return KafkaTopicPartitionOffset(
                topic: partition.topic, partition: partition.partition, offset: item.position)
        }
    }

    /// The stream ids of `partitions` that have one.
    func knownStreams(_ partitions: [KafkaTopicPartition]) -> Set<Int32> {
        Set(partitions.compactMap { streamIDs[$0] })
    }

    /// Log metadata naming the record behind `origin`: execution id, topic, partition and offset.
    func logContext(for origin: CommandOrigin) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["offset": "\(origin.offset)"]
        if let partition = streams[origin.partition] {
            metadata["topic"] = "\(partition.topic)"
            metadata["partition"] = "\(partition.partition)"
        }
        if let command = pending[origin]?.command { metadata["execution.id"] = "\(command.executionID)" }
        return metadata
    }

    mutating func streamID(for partition: KafkaTopicPartition) -> Int32 {
        if let existing = streamIDs[partition] { return existing }
        let id = Int32(streamIDs.count)
        streamIDs[partition] = id
        streams[id] = partition
        return id
    }

    mutating func newToken() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }
}
