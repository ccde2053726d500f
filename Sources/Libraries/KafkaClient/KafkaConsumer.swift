internal import CRdKafka

/// A Kafka group consumer driven by a single-threaded readiness loop (epoll).
///
/// librdkafka does all network I/O on its own threads and queues what it has for the application on the
/// consumer queue: records, rebalances, commit results, errors and log lines (the main queue is forwarded
/// there with `rd_kafka_poll_set_consumer`). The wrapper makes ``readinessDescriptor`` readable whenever that
/// queue has something, and ``poll(maxEvents:)`` drains it without blocking:
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: configuration)
/// try consumer.subscribe(topics: ["saga_commands"])
/// // register consumer.readinessDescriptor with epoll for EPOLLIN; when it fires, and on a periodic
/// // timer well inside consumer.maximumPollInterval:
/// for event in consumer.poll(maxEvents: 100) { ... }
/// ```
///
/// Rebalances are applied as they arrive for assignments and **delayed** for revocations: see
/// ``KafkaConsumerEvent/partitionsRevoked(_:)`` and ``completeRevocation()``.
///
/// Only ``commitSync(_:timeout:)``, ``committed(_:timeout:)`` and ``close()`` block, each for a bounded time
/// stated in its documentation. The type is meant for one thread and is deliberately not `Sendable`.
public final class KafkaConsumer {
    let client: RDKafkaClient
    let queue: RDKafkaQueue
    private let readiness: WakeupPipe
    private let logHandler: KafkaLogHandler?
    /// A revocation reported to the application but not yet applied (see `KafkaConsumer+Rebalance.swift`).
    var pendingRevocation: PendingRevocation?
    /// Partitions the application paused (see `KafkaConsumer+Pause.swift`).
    var pausedPartitions: Set<KafkaTopicPartition> = []
    /// Records that arrived for a paused partition because librdkafka lost the pause; delivered after resume.
    var heldMessages: [KafkaTopicPartition: [KafkaMessage]] = [:]
    /// Set by ``close()``; every later call fails with ``KafkaError/Code/invalidState``.
    private(set) var isClosed = false
    /// Whether the group may use the cooperative-sticky assignor, and whether an assignment (even an empty one)
    /// ever arrived (see `KafkaConsumer+Teardown.swift`).
    let usesCooperativeAssignor: Bool
    var hasSubscribed = false
    var hasBeenAssigned = false
    /// Runs on the closing thread before any librdkafka call: lets tests stand in for a call that never returns.
    var closeStallForTesting: (@Sendable () -> Void)?

    /// The configured `max.poll.interval.ms`. If ``poll(maxEvents:)`` is not called for this long, librdkafka
    /// leaves the group (``KafkaError/Code/maxPollExceeded``) and rejoins on the next poll.
    public let maximumPollInterval: Duration

    /// The events the wrapper asks librdkafka to deliver through the queue instead of callbacks.
    private static let enabledEvents: Int32 =
        Int32(RD_KAFKA_EVENT_FETCH) | Int32(RD_KAFKA_EVENT_REBALANCE) | Int32(RD_KAFKA_EVENT_OFFSET_COMMIT)
        | Int32(RD_KAFKA_EVENT_ERROR) | Int32(RD_KAFKA_EVENT_LOG)

    /// Creates the consumer. It joins the group only after ``subscribe(topics:)``.
    ///
    /// - Parameters:
    ///   - configuration: Typed settings; ``KafkaConsumerConfiguration/additionalProperties`` are passed through.
    ///   - logHandler: Receives librdkafka's log lines, synchronously from ``poll(maxEvents:)`` and
    ///     ``close()``. `nil` discards them.
    /// - Throws: ``KafkaError/Code/configuration`` naming the rejected property, or librdkafka's reason when
    ///   the configuration is rejected as a whole.
    public init(configuration: KafkaConsumerConfiguration, logHandler: KafkaLogHandler? = nil) throws(KafkaError) {
        let config = try RDKafkaConfig(properties: configuration.librdkafkaProperties, events: Self.enabledEvents)
        let client = try RDKafkaClient(kind: .consumer, config: config)
        let forwarded = rd_kafka_poll_set_consumer(client.handle)
        guard forwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(forwarded, message: "rd_kafka_poll_set_consumer failed")
        }
        let queue = try RDKafkaQueue.consumerQueue(of: client)
        let logForwarded = rd_kafka_set_log_queue(client.handle, queue.handle)
        guard logForwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(logForwarded, message: "rd_kafka_set_log_queue failed")
        }
        let readiness = try WakeupPipe()
        queue.enableReadiness(readiness)
        self.client = client
        self.queue = queue
        self.readiness = readiness
        self.logHandler = logHandler
        self.maximumPollInterval = configuration.maxPollInterval
        // The effective value: additionalProperties may name the strategies too.
        self.usesCooperativeAssignor =
            configuration.librdkafkaProperties.last { $0.0 == "partition.assignment.strategy" }?.1
            .contains("cooperative") ?? false
        // Anything queued before notifications were enabled would otherwise never wake the caller.
        if queue.length > 0 { readiness.signal() }
    }

    deinit {
        tearDownSafely()
    }

    /// A file descriptor that is readable while events wait for ``poll(maxEvents:)``. Register it with epoll
    /// for `EPOLLIN` (level- or edge-triggered); never read from or close it. It stays valid until the consumer
    /// is deinitialized.
    ///
    /// An idle topic produces no events, so the descriptor can stay quiet for longer than
    /// ``maximumPollInterval``; poll from a timer as well (see ``poll(maxEvents:)``).
    public var readinessDescriptor: Int32 {
        readiness.readDescriptor
    }

    /// Returns up to `maxEvents` events without blocking (librdkafka is polled with timeout 0).
    ///
    /// Call it whenever ``readinessDescriptor`` is readable **and** from a periodic timer well inside
    /// ``maximumPollInterval`` (for example every few seconds): each call tells librdkafka that the application
    /// is alive, even when it returns nothing. Log lines go to the log handler and are not returned. If events
    /// remain after `maxEvents`, the readiness descriptor stays readable. Returns nothing after ``close()``.
    public func poll(maxEvents: Int = 100) -> [KafkaConsumerEvent] {
        guard !isClosed else { return [] }
        readiness.drain()
        let limit = max(maxEvents, 1)
        var events = releaseHeldMessages(limit: limit)
        var strays: Set<KafkaTopicPartition> = []
        var served = 0
        while events.count < limit, served < limit * 4 + 64,
            let event = queue.poll(timeoutMilliseconds: 0)
        {
            served += 1
            translate(event, into: &events, strays: &strays)
        }
        if !strays.isEmpty, let error = repause(strays) { events.append(.error(error)) }
        if queue.length > 0 || hasReleasableMessages { readiness.signal() }
        return events
    }

    /// Subscribes to `topics`, replacing any previous subscription. The group join and the first assignment
    /// are reported later through ``poll(maxEvents:)``.
    public func subscribe(topics: [String]) throws(KafkaError) {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(
            partitions: topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        let err = rd_kafka_subscribe(client.handle, list.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        hasSubscribed = true
    }

    /// Reads `partitions` from their first offset without joining a group (`rd_kafka_assign`): no rebalances,
    /// no commits. For observers and tools; a service consumer uses ``subscribe(topics:)``.
    public func assignFromBeginning(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(
            offsets: partitions.map {
                KafkaTopicPartitionOffset(
                    topic: $0.topic, partition: $0.partition, offset: Int64(RD_KAFKA_OFFSET_BEGINNING))
            })
        let err = rd_kafka_assign(client.handle, list.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
    }

    /// Leaves the subscription; the revocation that follows is reported like any other.
    public func unsubscribe() throws(KafkaError) {
        try ensureOpen()
        let err = rd_kafka_unsubscribe(client.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
    }

    /// The partitions currently assigned to this consumer (`rd_kafka_assignment`). Non-blocking.
    public var assignment: [KafkaTopicPartition] {
        get throws(KafkaError) {
            try ensureOpen()
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let err = rd_kafka_assignment(client.handle, &list)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError.rdKafka(err) }
            return RDKafkaTopicPartitionList(adopting: list).partitions
        }
    }

    /// The fatal error raised on this consumer, if any; the consumer must then be recreated.
    public var fatalError: KafkaError? {
        client.fatalError
    }

    /// Leaves the group cleanly and stops the consumer. **Blocking, for at most `timeout`.**
    ///
    /// Completes a pending revocation first, then closes through `rd_kafka_consumer_close_queue`: librdkafka
    /// revokes the assignment, sends LeaveGroup and waits for the answer on its own threads while the close serves
    /// the close queue (rebalances, log lines). `rd_kafka_consumer_close` would block for up to
    /// `session.timeout.ms` when the coordinator cannot be reached; here, past `timeout`, the consumer is left
    /// as it is and its group notices by session timeout, as after a crash. The librdkafka calls run on a thread of
    /// their own, because some of them can block without limit (see `KafkaConsumer+Close.swift`). Offsets are not
    /// committed here: commit before closing. Events still queued are discarded (log lines still reach the log
    /// handler, until the deadline). Calling it again does nothing. After it, unregister ``readinessDescriptor``
    /// from epoll.
    ///
    /// - Returns: whether the close completed within `timeout`.
    @discardableResult
    public func close(within timeout: Duration = .seconds(30)) throws(KafkaError) -> Bool {
        guard !isClosed else { return true }
        let pending = pendingRevocation
        pendingRevocation = nil
        heldMessages.removeAll()
        isClosed = true
        // Decided now, while this thread still owns the client: the closing thread may outlive this object.
        if destroyMayAbort { client.leaksHandle = true }
        let job = ClosingJob(
            client: client, queue: queue, readiness: readiness, logHandler: logHandler, pendingRevocation: pending,
            stallForTesting: closeStallForTesting)
        return try job.run(within: timeout)
    }

    /// Makes the readiness descriptor readable (for work the wrapper itself has queued).
    func signalReadiness() {
        readiness.signal()
    }

    func ensureOpen() throws(KafkaError) {
        if isClosed { throw KafkaError.invalidState("the consumer is closed") }
    }

    private func translate(
        _ event: RDKafkaEvent,
        into events: inout [KafkaConsumerEvent],
        strays: inout Set<KafkaTopicPartition>
    ) {
        switch event.type {
        case Int32(RD_KAFKA_EVENT_FETCH):
            while let message = event.nextMessage() {
                if let error = RDKafkaMessage.error(of: message, payloadIsErrorText: true) {
                    // End-of-partition is a notification, not a failure (and off by default).
                    if error.code != .partitionEOF { events.append(.error(error)) }
                    continue
                }
                let record = RDKafkaMessage.consumed(message)
                if pausedPartitions.contains(record.topicPartition) {
                    hold(record)
                    strays.insert(record.topicPartition)
                } else {
                    events.append(.message(record))
                }
            }
        case Int32(RD_KAFKA_EVENT_REBALANCE):
            handleRebalance(event, into: &events)
        case Int32(RD_KAFKA_EVENT_OFFSET_COMMIT):
            events.append(.offsetsCommitted(Self.commitResult(of: event)))
        case Int32(RD_KAFKA_EVENT_ERROR):
            let text = event.errorText
            events.append(.error(client.error(code: event.errorCode, text: text, isFatal: event.isFatal)))
            // librdkafka 2.0 leaves partitions whose committed-offset fetch failed unfetched "until the application
            // unassigns it and possibly re-assigns it" (rd_kafka_assignment_apply_offsets); its only sign is this
            // error, worded "Failed to fetch committed offset(s) …".
            if text.hasPrefix("Failed to fetch committed offset"),
                !events.contains(where: { if case .committedOffsetsUnavailable = $0 { true } else { false } })
            {
                events.append(.committedOffsetsUnavailable)
            }
        case Int32(RD_KAFKA_EVENT_LOG):
            if let line = event.logLine(of: client) { logHandler?(line) }
        default:
            break
        }
    }
}
