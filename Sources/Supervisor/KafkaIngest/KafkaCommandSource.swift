import Glibc
import Platform
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
/// The policy lives in ``KafkaSourceCore``, a pure state machine; this class is its shell: it polls the consumer
/// and producer, feeds what they report into the core, and carries out the core's actions.
///
/// Ready (``readinessProblem(now:)`` is `nil`) when all of these hold: the consumer and producer are open and
/// neither has raised a fatal error; every topic of the layout exists (``TopicWatch``, checked at start and every
/// `topic.metadata.refresh.interval.ms`); the consumer is a member of its group — an assignment arrived (an empty
/// one counts: more supervisors than partitions is a healthy state) and was not lost since (a session that
/// expired, e.g. in a long broker outage, loses it until the group assigns again); and librdkafka has not
/// reported all brokers down, unless a sign of broker contact (a record, a delivery, a commit, an assignment)
/// came after it or the report is older than the session timeout (by then a real outage has lost the
/// assignment instead).
public final class KafkaCommandSource: CommandSource {
    let settings: KafkaSourceSettings
    var core: KafkaSourceCore
    var logger = Logger(label: "k8s-worker.kafka")
    weak var control: (any SourceControl)?
    var consumer: KafkaConsumer?
    var producer: KafkaProducer?
    var lastPoll: Instant?
    /// Set when a poll returned a full batch: the queue may hold more without signalling its descriptor again.
    var consumerMayHaveMore = false
    var producerMayHaveMore = false
    static let pollBatch = 512
    /// Rate-limits librdkafka's repeated log lines.
    var logThrottle = KafkaLogThrottle()

    // Reporting (also read by the benchmark).
    /// When the first record was consumed, and when the last command was fully handled (events acknowledged).
    public var firstConsumedAt: Instant? { core.firstConsumedAt }
    public var lastSettledAt: Instant? { core.lastSettledAt }
    /// Records fully handled: commands whose events were acknowledged, and dead letters delivered.
    public var settled: Int { core.settled }
    /// Checks that the layout's topics exist (a thread; see ``TopicWatch``), and the verdict last logged.
    var topicWatch: TopicWatch?
    var loggedTopicProblems: [TopicCheck.Problem] = []

    public init(settings: KafkaSourceSettings) {
        self.settings = settings
        self.core = KafkaSourceCore(settings: settings)
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
                "group_instance_id": "\(settings.consumer.groupInstanceID ?? "none (dynamic membership)")",
                "assignment_strategy": "\(settings.consumer.partitionAssignmentStrategies.map(\.value).joined())",
                "brokers": "\(settings.consumer.bootstrapServers.joined(separator: ","))",
            ])
    }

    public func fetch(max: Int, now: Instant) -> [SourceCommand] {
        let commands = core.fetch(max: max)
        if consumer != nil { perform(core.adjustBackpressure(), now: now) }
        return commands
    }

    public func finish(_ finished: FinishedCommand) {
        let now = Instant.now()
        perform(
            core.commandFinished(
                finished.origin, key: finished.key, outcome: finished.outcome, now: now, wallClock: Timestamp.now()),
            now: now)
    }

    public func tick(now: Instant) {
        lastPoll = now
        handleConsumerEvents(now: now)
        handleDeliveryReports(now: now)
        perform(core.retryDue(now: now), now: now)
        guard consumer != nil else { return }
        let openCount: (Set<Int32>) -> Int = { [control] streams in
            control?.openCount { streams.contains($0.partition) } ?? 0
        }
        perform(core.progressRevocation(now: now, openCount: openCount), now: now)
        let withdraw: (Set<Int32>) -> [CommandOrigin] = { [control] streams in
            control?.withdrawQueued { streams.contains($0.partition) } ?? []
        }
        // Asked only when a rejoin is due: each ask is a request served by librdkafka's main thread.
        perform(
            core.rejoinIfDue(
                now: now, cooperative: consumer?.rebalanceProtocol == "COOPERATIVE", withdrawQueued: withdraw),
            now: now)
        perform(core.commitIfDue(now: now), now: now)
        perform(core.adjustBackpressure(), now: now)
        reportTopicProblems()
    }

    public func nextDeadline(now: Instant) -> Instant? {
        if consumerMayHaveMore || producerMayHaveMore { return now }
        return min((lastPoll ?? now) + settings.pollInterval, core.nextDeadline(now: now))
    }

    public var isSettled: Bool { core.deliveries.isEmpty }
    public var isExhausted: Bool { false }

    public var status: String {
        var parts = ["kafka \(core.assigned.count) partitions"]
        if let consumer {
            let lag = core.assigned.compactMap { consumer.lag(for: $0) }.reduce(0, +)
            parts.append("lag \(lag)")
        }
        if core.paused { parts.append("paused") }
        if let oldest = core.oldestUnpublished() {
            let seconds = Int(Instant.now().since(oldest).seconds)
            parts.append("unpublished \(core.deliveries.count) (oldest \(seconds)s)")
        }
        if core.dropped > 0 { parts.append("dropped \(core.dropped)") }
        if core.deadLettered > 0 { parts.append("dead-lettered \(core.deadLettered)") }
        if !core.topicProblems.isEmpty {
            parts.append(core.topicProblems.map(\.description).joined(separator: "; "))
        }
        if let lastError = core.lastError { parts.append("kafka error: \(lastError)") }
        return parts.joined(separator: ", ")
    }

    public func close(deadline: Instant) {
        // Publish what is outstanding while time is left, keeping the last seconds for the commit; then commit
        // what is finished and leave the group, both bounded by the deadline.
        let publishBy = deadline - Configuration.Shutdown.commitReserve
        topicWatch?.stop()
        topicWatch = nil
        if let producer {
            while !core.deliveries.isEmpty, Instant.now() < publishBy {
                do { try producer.flush(timeout: min(.milliseconds(200), publishBy.since(.now()))) } catch {}
                handleDeliveryReports(now: .now())
                let later = Instant.now() + .seconds(60)
                perform(core.retryDue(now: later), now: later)
            }
            if !core.deliveries.isEmpty {
                logger.error(
                    "stopping with records unpublished; their commands stay uncommitted and are redone by the next owner",
                    metadata: ["unpublished": "\(core.deliveries.count)", "last_error": "\(core.lastError ?? "none")"])
            }
        }
        let offsets = core.committableOffsets()
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
