import Events
import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

extension KafkaCommandSource {
    /// Drains the consumer's events without blocking.
    func handleConsumerEvents(now: Instant) {
        guard let consumer else { return }
        let events = consumer.poll(maxEvents: Self.pollBatch)
        // librdkafka signals the readiness descriptor only when its queue turns non-empty: a full batch means more
        // may be waiting with no signal coming, so the next turn must poll again at once.
        consumerMayHaveMore = events.count == Self.pollBatch
        for event in events {
            switch event {
            case .message(let message):
                brokersDownSince = nil
                accept(message, now: now)
            case .partitionsAssigned(let partitions):
                for partition in partitions {
                    let stream = streamID(for: partition)
                    tracker.remove(partition: stream)
                    assigned.insert(partition)
                }
                groupJoined = true
                brokersDownSince = nil
                lastError = nil
                logger.info(
                    "partitions assigned",
                    metadata: ["partitions": "\(partitions.map(\.description).joined(separator: " "))"])
            case .partitionsRevoked(let partitions):
                beginRevocation(partitions, now: now)
            case .partitionsLost(let partitions):
                // Involuntary (the session expired): they may belong to someone else already, so nothing of theirs
                // is committed; in-flight results are dropped and the new owner redoes them (same event ids).
                logger.warning(
                    "partitions lost",
                    metadata: ["partitions": "\(partitions.map(\.description).joined(separator: " "))"])
                groupJoined = false
                if let revocation { release(revocation.partitions) }
                revocation = nil
                release(partitions)
                do { try consumer.completeRevocation() } catch {
                    logger.warning("completing revocation", metadata: ["error": "\(error)"])
                }
            case .offsetsCommitted(let result):
                commitInFlight = false
                switch result {
                case .success(let offsets):
                    commitsAcknowledged += 1
                    brokersDownSince = nil
                    for offset in offsets {
                        guard
                            let stream = streamIDs[
                                KafkaTopicPartition(topic: offset.topic, partition: offset.partition)],
                            let position = offset.offset
                        else { continue }
                        tracker.confirmCommit(partition: stream, position: position)
                    }
                case .failure(let error):
                    commitFailures += 1
                    logger.warning("commit failed; retrying at the next interval", metadata: ["error": "\(error)"])
                }
            case .error(let error):
                if error.code == .allBrokersDown, brokersDownSince == nil { brokersDownSince = now }
                lastError = "\(error)"
                logger.warning("kafka consumer error", metadata: ["error": "\(error)", "fatal": "\(error.isFatal)"])
            case .committedOffsetsUnavailable:
                // Those partitions would stay assigned and idle for good: rejoin shortly (once, for all of them).
                if rejoinAt == nil { rejoinAt = now + Self.rejoinDelay }
            }
        }
    }

    /// A consumed record: track its offset, then buffer it as a command or dead-letter it.
    func accept(_ message: KafkaMessage, now: Instant) {
        let partition = message.topicPartition
        // Records of a partition being revoked are not started here: the next owner reads them again.
        if let revocation, revocation.partitions.contains(partition) { return }
        consumed += 1
        if firstConsumedAt == nil { firstConsumedAt = now }
        let stream = streamID(for: partition)
        tracker.track(partition: stream, offset: message.offset)
        let origin = CommandOrigin(partition: stream, offset: message.offset)
        let record = ConsumedRecord(
            topic: message.topic, partition: message.partition, offset: message.offset, key: message.key,
            value: message.value, headers: message.headers.map { OutgoingRecord.Header($0.name, $0.value) })
        switch triage.triage(record, now: Timestamp.now()) {
        case .command(let command):
            pending[origin] = Pending(command: command, trace: record.headerText(RecordHeaders.traceParent))
            let context = [
                "execution.id": command.executionID, "topic": message.topic, "partition": "\(message.partition)",
                "offset": "\(message.offset)",
            ]
            buffered.append(
                SourceCommand(origin: origin, key: command.executionID, payload: message.value, logContext: context))
            bufferedBytes += message.value.count
        case .deadLetter(let kind, let reason):
            deadLettered += 1
            logger.warning(
                "record dead-lettered",
                metadata: [
                    "kind": "\(kind)", "reason": "\(reason)", "topic": "\(message.topic)",
                    "partition": "\(message.partition)",
                    "offset": "\(message.offset)",
                ])
            pending[origin] = Pending(command: nil, trace: nil, outstanding: 1)
            var letter = DeadLetter.record(
                for: record, kind: kind, reason: reason, topic: settings.layout.deadLetter,
                maxBytes: settings.maxMessageBytes)
            letter.valueIsNull = message.valueIsNull  // a tombstone's dead letter is a tombstone too
            publish(letter, for: origin, now: now)
        }
    }

    /// Starts honouring a revocation: queued work of those partitions is withdrawn (the next owner reads it
    /// again); in-flight work finishes within `revocationTimeout`; then they are committed and released.
    func beginRevocation(_ partitions: [KafkaTopicPartition], now: Instant) {
        let streamsRevoked = Set(partitions.compactMap { streamIDs[$0] })
        buffered.removeAll { streamsRevoked.contains($0.origin.partition) }
        bufferedBytes = buffered.reduce(0) { $0 + $1.payload.count }
        let withdrawn = control?.withdrawQueued { streamsRevoked.contains($0.partition) } ?? []
        for origin in withdrawn { pending[origin] = nil }
        logger.info(
            "partitions revoked: finishing their in-flight work",
            metadata: [
                "partitions": "\(partitions.map(\.description).joined(separator: " "))",
                "withdrawn": "\(withdrawn.count)",
            ])
        revocation = Revocation(partitions: partitions, deadline: now + settings.revocationTimeout)
    }

    /// Completes the revocation once nothing of those partitions is open (or the deadline passed).
    func progressRevocation(now: Instant) {
        guard var current = revocation, let consumer else { return }
        let streamsRevoked = Set(current.partitions.compactMap { streamIDs[$0] })
        let open = control?.openCount { streamsRevoked.contains($0.partition) } ?? 0
        let unpublished = pending.keys.contains {
            streamsRevoked.contains($0.partition) && (pending[$0]?.outstanding ?? 0) > 0
        }
        let finished = open == 0 && !unpublished
        guard finished || now >= current.deadline else { return }
        if !current.commitRequested {
            current.commitRequested = true
            revocation = current
            let offsets = committableOffsets().filter {
                current.partitions.contains(KafkaTopicPartition(topic: $0.topic, partition: $0.partition))
            }
            if !offsets.isEmpty {
                do {
                    _ = try consumer.commitSync(offsets, timeout: .seconds(2))
                    commitsAcknowledged += 1
                } catch {
                    commitFailures += 1
                    logger.warning("commit on revoke failed", metadata: ["error": "\(error)"])
                }
            }
        }
        if !finished {
            logger.warning("revocation deadline passed with work in flight; releasing the partitions anyway")
        }
        release(current.partitions)
        revocation = nil
        do { try consumer.completeRevocation() } catch {
            logger.warning("completing revocation", metadata: ["error": "\(error)"])
        }
    }

    /// Forgets partitions: nothing of theirs is committed or published any more by this supervisor.
    func release(_ partitions: [KafkaTopicPartition]) {
        let streamsReleased = Set(partitions.compactMap { streamIDs[$0] })
        buffered.removeAll { streamsReleased.contains($0.origin.partition) }
        bufferedBytes = buffered.reduce(0) { $0 + $1.payload.count }
        _ = control?.withdrawQueued { streamsReleased.contains($0.partition) }
        for origin in pending.keys where streamsReleased.contains(origin.partition) && pending[origin]?.outstanding == 0
        {
            pending[origin] = nil
        }
        for stream in streamsReleased { tracker.remove(partition: stream) }
        assigned.subtract(partitions)
    }

    /// Pauses every assigned partition when too much (records or bytes) waits for dispatch; resumes below half.
    func adjustBackpressure() {
        guard let consumer, !assigned.isEmpty else { return }
        let full = buffered.count >= settings.maxBuffered || bufferedBytes >= settings.maxBufferedBytes
        let roomy = buffered.count <= settings.maxBuffered / 2 && bufferedBytes <= settings.maxBufferedBytes / 2
        if !paused && full {
            do {
                try consumer.pause(Array(assigned))
                paused = true
            } catch {
                logger.warning("pause failed", metadata: ["error": "\(error)"])
            }
        } else if paused && roomy {
            do {
                try consumer.resume(Array(assigned))
                paused = false
            } catch {
                logger.warning("resume failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Rejoins the group when an assignment's committed offsets could not be fetched: subscribing again revokes
    /// the assignment (through the usual revocation, which finishes and commits in-flight work) and the next
    /// assignment fetches the committed offsets anew. Waits for a revocation in progress to end.
    func rejoinIfDue(now: Instant) {
        guard let due = rejoinAt, now >= due, revocation == nil, let consumer else { return }
        rejoinAt = nil
        do {
            try consumer.subscribe(topics: settings.layout.commandTopics)
            logger.warning(
                "committed offsets of the assignment could not be fetched; rejoined the group to fetch them again")
        } catch {
            logger.warning("rejoining the group failed; trying again", metadata: ["error": "\(error)"])
            rejoinAt = now + Self.rejoinDelay
        }
    }

    /// Commits every partition's low-water mark that moved, asynchronously.
    func commitIfDue(now: Instant) {
        guard let consumer, !commitInFlight, lastCommit.map({ now.since($0) >= settings.commitInterval }) ?? true else {
            return
        }
        lastCommit = now
        let offsets = committableOffsets()
        guard !offsets.isEmpty else { return }
        do {
            try consumer.commit(offsets)
            commitInFlight = true
        } catch {
            logger.warning("commit failed", metadata: ["error": "\(error)"])
        }
    }

    /// The positions that may be committed: for each partition, the lowest offset not finished.
    func committableOffsets() -> [KafkaTopicPartitionOffset] {
        tracker.committable().compactMap { item in
            guard let partition = streams[item.partition], assigned.contains(partition) else { return nil }
            return KafkaTopicPartitionOffset(
                topic: partition.topic, partition: partition.partition, offset: item.position)
        }
    }

    func streamID(for partition: KafkaTopicPartition) -> Int32 {
        if let existing = streamIDs[partition] { return existing }
        let id = Int32(streamIDs.count)
        streamIDs[partition] = id
        streams[id] = partition
        return id
    }
}
