import Platform
import Events
import KafkaClient
import Logging
import SagaBridge
import SupervisorCore

/// Consumer events: records, assignments, revocations, losses, commits; backpressure and rejoining.
extension KafkaSourceCore {
    /// A consumed record: track its offset, then buffer it as a command or dead-letter it.
    ///
    /// - Parameter wallClock: the time written into a dead letter.
    mutating func consumed(_ message: KafkaMessage, now: Instant, wallClock: Timestamp) -> [Action] {
        brokersDownSince = nil
        let partition = message.topicPartition
        // Records of a partition being revoked are not started here: the next owner reads them again.
        if let revocation, revocation.partitions.contains(partition) { return [] }
        consumed += 1
        if firstConsumedAt == nil { firstConsumedAt = now }
        let stream = streamID(for: partition)
        tracker.track(partition: stream, offset: message.offset)
        let origin = CommandOrigin(partition: stream, offset: message.offset)
        let record = ConsumedRecord(
            topic: message.topic, partition: message.partition, offset: message.offset, key: message.key,
            value: message.value, headers: message.headers.map { OutgoingRecord.Header($0.name, $0.value) })
        switch triage.triage(record, now: wallClock) {
        case .command(let command):
            pending[origin] = Pending(command: command, trace: record.headerText(RecordHeaders.traceParent))
            let context = [
                "execution.id": command.executionID, "topic": message.topic, "partition": "\(message.partition)",
                "offset": "\(message.offset)",
            ]
            // Its age counts from its own timestamp (a missing one read as now, upstream's default), before 1970
            // as the epoch.
            let issued = UInt64(max(0, command.timestamp.microsecondsSinceEpoch) / 1000)
            buffered.append(
                SourceCommand(
                    origin: origin, key: command.executionID, payload: message.value, logContext: context,
                    issuedAtMilliseconds: issued))
            bufferedBytes += message.value.count
            return []
        case .deadLetter(let kind, let reason):
            deadLettered += 1
            var actions: [Action] = [
                .log(
                    .warning, "record dead-lettered",
                    [
                        "kind": "\(kind)", "reason": "\(reason)", "topic": "\(message.topic)",
                        "partition": "\(message.partition)", "offset": "\(message.offset)",
                    ])
            ]
            pending[origin] = Pending(command: nil, trace: nil, outstanding: 1)
            var letter = DeadLetter.record(
                for: record, kind: kind, reason: reason, topic: settings.layout.deadLetter,
                maxBytes: settings.maxMessageBytes)
            letter.valueIsNull = message.valueIsNull  // a tombstone's dead letter is a tombstone too
            actions += publish(letter, for: origin, now: now)
            return actions
        }
    }

    /// The group assigned partitions: tracking of each restarts at the committed position. Under the cooperative
    /// protocol they add to what is already assigned (whose work goes on untouched); under the eager one they are
    /// the whole assignment. While backpressure holds the assignment paused, new partitions are paused too.
    mutating func partitionsAssigned(_ partitions: [KafkaTopicPartition]) -> [Action] {
        for partition in partitions {
            let stream = streamID(for: partition)
            tracker.remove(partition: stream)
            assigned.insert(partition)
        }
        groupJoined = true
        brokersDownSince = nil
        lastError = nil
        var actions: [Action] = [.log(.info, "partitions assigned", ["partitions": "\(Self.names(partitions))"])]
        if paused && !partitions.isEmpty { actions.append(.pause(partitions)) }
        return actions
    }

    /// Starts honouring a revocation: buffered and queued work of those partitions is withdrawn (the next owner
    /// reads it again); in-flight work finishes within `revocationTimeout` (see ``progressRevocation(now:openCount:)``).
    ///
    /// - Parameter withdrawQueued: takes back the supervisor's queued commands of these streams, returning them.
    mutating func partitionsRevoked(
        _ partitions: [KafkaTopicPartition], now: Instant, withdrawQueued: (Set<Int32>) -> [CommandOrigin]
    ) -> [Action] {
        // The group's revocation replaces a reassignment of our own that was under way: ask again afterwards.
        if revocation?.refetch == true { rejoinAt = now + Self.rejoinDelay }
        let withdrawn = beginRevocation(partitions, now: now, refetch: false, withdrawQueued: withdrawQueued)
        return [
            .log(
                .info, "partitions revoked: finishing their in-flight work",
                ["partitions": "\(Self.names(partitions))", "withdrawn": "\(withdrawn)"])
        ]
    }

    /// Withdraws buffered and queued work of `partitions` and starts waiting for their in-flight work; returns how
    /// many queued commands were withdrawn.
    private mutating func beginRevocation(
        _ partitions: [KafkaTopicPartition], now: Instant, refetch: Bool,
        withdrawQueued: (Set<Int32>) -> [CommandOrigin]
    ) -> Int {
        let streamsRevoked = knownStreams(partitions)
        dropBuffered(of: streamsRevoked)
        let withdrawn = withdrawQueued(streamsRevoked)
        for origin in withdrawn { pending[origin] = nil }
        revocation = Revocation(partitions: partitions, deadline: now + settings.revocationTimeout, refetch: refetch)
        return withdrawn.count
    }

    /// Completes the revocation once nothing of those partitions is open (or the deadline passed): commits what
    /// is finished of them, then releases them.
    ///
    /// - Parameter openCount: the supervisor's open (queued or in-flight) commands of these streams.
    mutating func progressRevocation(now: Instant, openCount: (Set<Int32>) -> Int) -> [Action] {
        guard let current = revocation else { return [] }
        let streamsRevoked = knownStreams(current.partitions)
        let open = openCount(streamsRevoked)
        let unpublished = pending.contains { streamsRevoked.contains($0.key.partition) && $0.value.outstanding > 0 }
        let finished = open == 0 && !unpublished
        guard finished || now >= current.deadline else { return [] }
        var actions: [Action] = []
        let offsets = committableOffsets().filter {
            current.partitions.contains(KafkaTopicPartition(topic: $0.topic, partition: $0.partition))
        }
        if !offsets.isEmpty { actions.append(.commitBeforeRelease(offsets)) }
        if !finished {
            actions.append(
                .log(.warning, "revocation deadline passed with work in flight; releasing the partitions anyway", [:]))
        }
        actions += release(current.partitions)
        revocation = nil
        actions.append(current.refetch ? .reassignFromCommitted(current.partitions) : .completeRevocation)
        return actions
    }

    /// Partitions lost involuntarily (the session expired): they may belong to someone else already, so nothing
    /// of theirs is committed; in-flight results are dropped and the new owner redoes them (same event ids).
    mutating func partitionsLost(_ partitions: [KafkaTopicPartition]) -> [Action] {
        var actions: [Action] = [.log(.warning, "partitions lost", ["partitions": "\(Self.names(partitions))"])]
        groupJoined = false
        if let revocation { actions += release(revocation.partitions) }
        revocation = nil
        actions += release(partitions)
        actions.append(.completeRevocation)
        return actions
    }

    /// Forgets partitions: nothing of theirs is committed or published any more by this supervisor.
    mutating func release(_ partitions: [KafkaTopicPartition]) -> [Action] {
        let streamsReleased = knownStreams(partitions)
        dropBuffered(of: streamsReleased)
        for (origin, state) in pending where streamsReleased.contains(origin.partition) && state.outstanding == 0 {
            pending[origin] = nil
        }
        for stream in streamsReleased { tracker.remove(partition: stream) }
        assigned.subtract(partitions)
        return [.withdrawQueued(streams: streamsReleased)]
    }

    private mutating func dropBuffered(of streams: Set<Int32>) {
        buffered.removeAll { streams.contains($0.origin.partition) }
        bufferedBytes = buffered.reduce(0) { $0 + $1.payload.count }
    }

    /// A revocation's synchronous commit ended.
    mutating func revocationCommitFinished(succeeded: Bool) {
        if succeeded { commitsAcknowledged += 1 } else { commitFailures += 1 }
    }

    /// The group coordinator answered an asynchronous commit.
    mutating func commitCompleted(_ result: Result<[KafkaTopicPartitionOffset], KafkaError>) -> [Action] {
        commitInFlight = false
        switch result {
        case .success(let offsets):
            commitsAcknowledged += 1
            brokersDownSince = nil
            for offset in offsets {
                guard let stream = streamIDs[KafkaTopicPartition(topic: offset.topic, partition: offset.partition)],
                    let position = offset.offset
                else { continue }
                tracker.confirmCommit(partition: stream, position: position)
            }
            return []
        case .failure(let error):
            commitFailures += 1
            return [.log(.warning, "commit failed; retrying at the next interval", ["error": "\(error)"])]
        }
    }

    /// An error event of the consumer (the shell checks fatal errors on the client itself).
    mutating func consumerError(_ error: KafkaError, now: Instant) -> [Action] {
        if error.code == .allBrokersDown, brokersDownSince == nil { brokersDownSince = now }
        lastError = "\(error)"
        if error.code == .inconsistentGroupProtocol {
            // Not ready until it changes: the group will not take this member (README, "Migrating from the Python
            // worker").
            lastError =
                "the group's members share no assignment strategy (this supervisor: "
                + "\(settings.consumer.partitionAssignmentStrategies.map(\.value).joined(separator: ","))); "
                + "set kafka.assignment_strategy to what the other members use"
        }
        return [.log(.warning, "kafka consumer error", ["error": "\(error)", "fatal": "\(error.isFatal)"])]
    }

    /// An assignment's committed offsets could not be fetched: those partitions would stay assigned and idle for
    /// good, so rejoin shortly (once, for all of them).
    mutating func committedOffsetsUnavailable(now: Instant) {
        if rejoinAt == nil { rejoinAt = now + Self.rejoinDelay }
    }

    /// Pauses every assigned partition when too much (records or bytes) waits for dispatch; resumes below half.
    mutating func adjustBackpressure() -> [Action] {
        guard !assigned.isEmpty else { return [] }
        let full = buffered.count >= settings.maxBuffered || bufferedBytes >= settings.maxBufferedBytes
        let roomy = buffered.count <= settings.maxBuffered / 2 && bufferedBytes <= settings.maxBufferedBytes / 2
        if !paused && full {
            paused = true
            return [.pause(Array(assigned))]
        } else if paused && roomy {
            paused = false
            return [.resume(Array(assigned))]
        }
        return []
    }

    /// The consumer refused to pause: still unpaused, so the next check tries again.
    mutating func pauseFailed() { paused = false }

    /// The consumer refused to resume: still paused, so the next check tries again.
    mutating func resumeFailed() { paused = true }

    /// Asks again for committed offsets an assignment could not fetch. Under the eager protocol, by rejoining
    /// the group: subscribing again revokes the whole assignment (through the usual revocation, which finishes
    /// and commits in-flight work) and the next assignment fetches the committed offsets anew. Under the
    /// cooperative protocol a rejoin would give the same partitions back without fetching anything, so the source
    /// revokes its own assignment locally (the same finishing and committing, no group request) and then
    /// reassigns it. Waits for a revocation in progress to end.
    ///
    /// - Parameter withdrawQueued: as for ``partitionsRevoked(_:now:withdrawQueued:)``.
    mutating func rejoinIfDue(
        now: Instant, cooperative: @autoclosure () -> Bool, withdrawQueued: (Set<Int32>) -> [CommandOrigin]
    ) -> [Action] {
        guard let due = rejoinAt, now >= due, revocation == nil else { return [] }
        rejoinAt = nil
        guard cooperative() else { return [.rejoin] }
        guard !assigned.isEmpty else { return [] }
        let partitions = assigned.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        let withdrawn = beginRevocation(partitions, now: now, refetch: true, withdrawQueued: withdrawQueued)
        return [
            .log(
                .warning,
                "committed offsets of the assignment could not be fetched; finishing in-flight work, then "
                    + "reassigning the partitions to fetch them again",
                ["partitions": "\(Self.names(partitions))", "withdrawn": "\(withdrawn)"])
        ]
    }

    /// Subscribing again failed: try again shortly.
    mutating func rejoinFailed(now: Instant) { rejoinAt = now + Self.rejoinDelay }

    /// Commits every partition's low-water mark that moved, asynchronously, once per commit interval and one
    /// commit at a time.
    mutating func commitIfDue(now: Instant) -> [Action] {
        guard !commitInFlight, lastCommit.map({ now.since($0) >= settings.commitInterval }) ?? true else { return [] }
        lastCommit = now
        let offsets = committableOffsets()
        guard !offsets.isEmpty else { return [] }
        commitInFlight = true
        return [.commit(offsets)]
    }

    /// The consumer refused the commit request: nothing is in flight; the next interval tries again.
    mutating func commitNotSubmitted() { commitInFlight = false }

    static func names(_ partitions: [KafkaTopicPartition]) -> String {
        partitions.map(\.description).joined(separator: " ")
    }
}
