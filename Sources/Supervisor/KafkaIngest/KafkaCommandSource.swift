import Glibc
import DequeModule
import Events
import IPC
import KafkaClient
import Logging
import Observability
import SagaBridge
import SupervisorCore

/// Saga commands from Kafka: consume, triage (commands or dead letters), hand commands to the supervisor,
/// publish the resulting events, and commit an offset only when everything below it is finished — its
/// command's events (or its dead letter) delivered and acknowledged.
///
/// Runs entirely on the supervisor's event loop: the consumer and producer are polled without blocking when
/// their descriptors become readable and at least every `pollInterval` (librdkafka's group membership needs it).
/// Backpressure pauses all assigned partitions once `maxBuffered` records wait for dispatch; polling continues.
///
/// Ready (``readinessProblem(now:)`` is `nil`) when all of these hold: the consumer and producer are open and
/// neither has raised a fatal error; the consumer is a member of its group — an assignment arrived (an empty
/// one counts: more supervisors than partitions is a healthy state) and was not lost since (a session that
/// expired, e.g. in a long broker outage, loses it until the group assigns again); and librdkafka has not
/// reported all brokers down, unless a sign of broker contact (a record, a delivery, a commit, an assignment)
/// came after it or the report is older than the session timeout (by then a real outage has lost the
/// assignment instead).
public final class KafkaCommandSource: CommandSource {
    /// A command handed out, remembered until its events are delivered.
    struct Pending {
        var command: InboundCommand?
        var trace: String?
        /// Deliveries still outstanding for this origin.
        var outstanding = 0
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
        var commitRequested = false
    }

    let settings: KafkaSourceSettings
    var logger = Logger(label: "k8s-worker.kafka")
    weak var control: (any SourceControl)?
    var consumer: KafkaConsumer?
    var producer: KafkaProducer?
    let triage: CommandTriage

    // Partitions are numbered locally (stream ids) so that one CommitTracker and CommandOrigin cover any
    // number of topics.
    var streamIDs: [KafkaTopicPartition: Int32] = [:]
    var streams: [Int32: KafkaTopicPartition] = [:]
    var assigned: Set<KafkaTopicPartition> = []
    var tracker = CommitTracker()
    var buffered: Deque<SourceCommand> = []
    var pending: [CommandOrigin: Pending] = [:]
    var deliveries: [UInt64: Delivery] = [:]
    var retries: [(at: Instant, token: UInt64)] = []
    var nextToken: UInt64 = 1
    var revocation: Revocation?
    /// When to rejoin the group because an assignment's committed offsets could not be fetched.
    var rejoinAt: Instant?
    /// Coalesces the per-partition errors of one failed fetch into one rejoin.
    static let rejoinDelay: Duration = .milliseconds(500)
    var paused = false
    var lastCommit: Instant?
    var lastPoll: Instant?
    var commitInFlight = false
    /// Set when a poll returned a full batch: the queue may hold more without signalling its descriptor again.
    var consumerMayHaveMore = false
    var producerMayHaveMore = false
    static let pollBatch = 512

    // Reporting (also read by the benchmark).
    /// When the first record was consumed, and when the last command was fully handled (events acknowledged).
    public internal(set) var firstConsumedAt: Instant?
    public internal(set) var lastSettledAt: Instant?
    /// Records fully handled: commands whose events were acknowledged, and dead letters delivered.
    public internal(set) var settled = 0
    var bufferedBytes = 0
    var consumed = 0
    var deadLettered = 0
    var published = 0
    var lastError: String?
    /// Readiness: an assignment arrived and was not lost since.
    var groupJoined = false
    /// When librdkafka reported every broker down, until a sign of broker contact.
    var brokersDownSince: Instant?
    /// Rate-limits librdkafka's repeated log lines.
    var logThrottle = KafkaLogThrottle()
    var commitsAcknowledged = 0
    var commitFailures = 0
    /// Produce failures no retry could cure, and the records given up for them (dead letters refused in turn).
    var permanentFailures = 0
    var dropped = 0
    /// Checks that the layout's topics exist (a thread; see ``TopicWatch``), and the verdict last logged.
    var topicWatch: TopicWatch?
    var loggedTopicProblems: [TopicCheck.Problem] = []

    public init(settings: KafkaSourceSettings) {
        self.settings = settings
        self.triage = CommandTriage(layout: settings.layout, maxRecordBytes: settings.maxRecordBytes)
    }

    public var descriptors: [Int32] {
        [consumer?.readinessDescriptor, producer?.readinessDescriptor].compactMap { $0 }
    }

    public func start(logger: Logger, control: any SourceControl) throws(SupervisorError) {
        self.logger = logger
        self.control = control
        let log: KafkaLogHandler = { [weak self] line in self?.logLibraryLine(line) }
        do {
            consumer = try KafkaConsumer(configuration: settings.consumer, logHandler: log)
            producer = try KafkaProducer(configuration: settings.producer, logHandler: log)
            try consumer?.subscribe(topics: settings.layout.commandTopics)
        } catch {
            throw SupervisorError("kafka: \(error)")
        }
        if let producer {
            do {
                topicWatch = try TopicWatch(
                    check: settings.topicCheck, probe: producer.topicProbe(), interval: settings.topicCheckInterval)
            } catch {
                throw SupervisorError("kafka: cannot start the topic check: \(error)")
            }
        }
        logger.info(
            "kafka source subscribed",
            metadata: [
                "topics": "\(settings.layout.commandTopics.joined(separator: ","))",
                "group": "\(settings.consumer.groupID)",
                "brokers": "\(settings.consumer.bootstrapServers.joined(separator: ","))",
            ])
    }

    public func fetch(max: Int, now: Instant) -> [SourceCommand] {
        var commands: [SourceCommand] = []
        while commands.count < max, let next = buffered.popFirst() {
            bufferedBytes -= next.payload.count
            commands.append(next)
        }
        adjustBackpressure()
        return commands
    }

    public func finish(_ finished: FinishedCommand) {
        guard var state = pending[finished.origin] else {
            // Its partition was revoked or lost meanwhile: the new owner redoes it, with the same event ids.
            logger.debug(
                "result for a released partition dropped",
                metadata: logContext(for: finished.origin).merging(["execution.id": "\(finished.key)"]) { $1 })
            return
        }
        guard let command = state.command else { return }
        let plan = OutcomeEvents.plan(
            for: command, outcome: finished.outcome, layout: settings.layout, now: Timestamp.now(), trace: state.trace)
        if let anomaly = plan.anomaly {
            logger.warning(
                "unexpected outcome",
                metadata: logContext(for: finished.origin).merging(["detail": "\(anomaly)"]) { $1 })
        }
        if plan.records.isEmpty {
            pending[finished.origin] = nil
            tracker.markDone(partition: finished.origin.partition, offset: finished.origin.offset)
            return
        }
        state.outstanding += plan.records.count
        pending[finished.origin] = state
        let now = Instant.now()
        for record in plan.records { publish(record, for: finished.origin, now: now) }
    }

    public func tick(now: Instant) {
        lastPoll = now
        handleConsumerEvents(now: now)
        handleDeliveryReports(now: now)
        retryDue(now: now)
        progressRevocation(now: now)
        rejoinIfDue(now: now)
        commitIfDue(now: now)
        adjustBackpressure()
        reportTopicProblems()
    }

    public func nextDeadline(now: Instant) -> Instant? {
        if consumerMayHaveMore || producerMayHaveMore { return now }
        var candidates = [(lastPoll ?? now) + settings.pollInterval, (lastCommit ?? now) + settings.commitInterval]
        if let retry = retries.map(\.at).min() { candidates.append(retry) }
        if let rejoinAt { candidates.append(rejoinAt) }
        if let revocation { candidates.append(min(revocation.deadline, now + .milliseconds(50))) }
        return candidates.min()
    }

    public var isSettled: Bool { deliveries.isEmpty }
    public var isExhausted: Bool { false }

    public var status: String {
        var parts = ["kafka \(assigned.count) partitions"]
        if let consumer {
            let lag = assigned.compactMap { consumer.lag(for: $0) }.reduce(0, +)
            parts.append("lag \(lag)")
        }
        if paused { parts.append("paused") }
        if let oldest = oldestUnpublished() {
            let seconds = Int(Instant.now().since(oldest).seconds)
            parts.append("unpublished \(deliveries.count) (oldest \(seconds)s)")
        }
        if dropped > 0 { parts.append("dropped \(dropped)") }
        if deadLettered > 0 { parts.append("dead-lettered \(deadLettered)") }
        if let problems = topicWatch?.latest?.problems, !problems.isEmpty {
            parts.append(problems.map(\.description).joined(separator: "; "))
        }
        if let lastError { parts.append("kafka error: \(lastError)") }
        return parts.joined(separator: ", ")
    }

    public func close(deadline: Instant) {
        // Publish what is outstanding while time is left, keeping the last seconds for the commit; then commit
        // what is finished and leave the group, both bounded by the deadline.
        let publishBy = deadline - Configuration.Shutdown.commitReserve
        topicWatch?.stop()
        topicWatch = nil
        if let producer {
            while !deliveries.isEmpty, Instant.now() < publishBy {
                do { try producer.flush(timeout: min(.milliseconds(200), publishBy.since(.now()))) } catch {}
                handleDeliveryReports(now: .now())
                retryDue(now: Instant.now() + .seconds(60))
            }
            if !deliveries.isEmpty {
                logger.error(
                    "stopping with records unpublished; their commands stay uncommitted and are redone by the next owner",
                    metadata: ["unpublished": "\(deliveries.count)", "last_error": "\(lastError ?? "none")"])
            }
        }
        let offsets = committableOffsets()
        if let consumer {
            if !offsets.isEmpty { finalCommit(offsets, consumer: consumer, deadline: deadline) }
            do {
                if try !consumer.close(within: max(deadline.since(.now()), .milliseconds(1))) {
                    logger.warning("leaving the group did not finish in time; the group notices by session timeout")
                }
            } catch {
                logger.warning("consumer close", metadata: ["error": "\(error)"])
            }
        }
        consumer = nil
        producer = nil
    }
}

extension KafkaCommandSource {
    /// Commits `offsets` before leaving, retrying retriable failures (a coordinator that moved or is still
    /// reconnecting after an outage) until `deadline`: work left uncommitted here is redone by the next owner.
    func finalCommit(_ offsets: [KafkaTopicPartitionOffset], consumer: KafkaConsumer, deadline: Instant) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                _ = try consumer.commitSync(
                    offsets, timeout: max(min(.seconds(5), deadline.since(.now())), .milliseconds(1)))
                logger.info(
                    "final commit",
                    metadata: [
                        "offsets": "\(offsets.map(\.description).joined(separator: " "))", "attempts": "\(attempt)",
                    ])
                return
            } catch {
                guard error.isRetriable, Instant.now() + .milliseconds(200) < deadline else {
                    logger.error(
                        "final commit failed; the next owner redoes the uncommitted work",
                        metadata: ["error": "\(error)", "attempts": "\(attempt)"])
                    return
                }
                logger.warning(
                    "final commit failed; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                var pause = timespec(tv_sec: 0, tv_nsec: 200_000_000)
                _ = nanosleep(&pause, nil)
            }
        }
    }
}

extension Timestamp {
    /// The current UTC wall-clock time.
    static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microsecondsSinceEpoch: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000) ?? .epoch
    }
}
