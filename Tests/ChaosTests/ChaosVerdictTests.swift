import Chaos
import Demo
import Events
import KubeManifests
import Testing

/// The checks themselves: a verdict that never fails proves nothing, so each invariant is shown failing on a
/// ledger that breaks it, and holding on one that does not.
@Suite struct ChaosVerdictTests {
    static let now = Timestamp(secondsSinceEpoch: 1_780_000_000) ?? .epoch
    static let later = Timestamp(secondsSinceEpoch: 1_780_000_060) ?? .epoch

    /// A create command of the demo's kind, decoded.
    static func command(_ index: Int) throws -> CreatePodCommand {
        let entry = try #require(RuntimeRegistry.upstream.entries.first)
        return try CreatePodCommand.decode(DemoPlan.validCreate(run: 7, index: index, entry: entry, now: now).value)
    }

    /// Both events of `command`, published at `timestamp`.
    static func events(
        _ command: CreatePodCommand, at timestamp: Timestamp = now
    ) -> (created: [UInt8], started: [UInt8]) {
        (
            PodCreatedEvent(replyingTo: command, namespace: "integr8scode", timestamp: timestamp).encoded(),
            ExecutionStartedEvent(replyingTo: command, podName: command.podName, timestamp: timestamp).encoded()
        )
    }

    /// A ledger with one create at `saga_commands[0]@0` whose events are at offset 0 of partition 0 of both topics.
    static func answeredCreate() throws -> (ledger: ChaosLedger, id: String) {
        let create = try command(0)
        var ledger = ChaosLedger()
        ledger.recordProduced(.create, executionID: create.executionID)
        ledger.recordDelivery(index: 0, partition: 0, offset: 0, error: nil)
        let (created, started) = events(create)
        publish(&ledger, created, topic: "pod_events", offset: 0, key: create.executionID)
        publish(&ledger, started, topic: "execution_events", offset: 0, key: create.executionID)
        return (ledger, create.executionID)
    }

    static func publish(_ ledger: inout ChaosLedger, _ value: [UInt8], topic: String, offset: Int64, key: String) {
        ledger.recordPublished(
            topic: topic, partition: 0, offset: offset, key: key, value: value, deadLetterTopic: "saga_commands.dlq",
            deadLetterReason: nil)
    }

    static func sample(
        committed: Int64, marks: Int64, live: Set<String> = [], label: String = "sample"
    ) -> ChaosLedger.CommitSample {
        ChaosLedger.CommitSample(
            label: label, at: 1, committed: [0: committed],
            watermarks: ["pod_events": [0: marks], "execution_events": [0: marks]], livePodsOfDeletes: live)
    }

    static func cluster(_ ids: [String], configMapOwnerUID: String = "uid-1") -> ClusterSnapshot {
        ClusterSnapshot(
            pods: Dictionary(
                uniqueKeysWithValues: ids.map { (ClusterSnapshot.podName($0), ClusterSnapshot.Pod(uid: "uid-1")) }),
            configMaps: Dictionary(
                uniqueKeysWithValues: ids.map {
                    (
                        ClusterSnapshot.configMapName($0),
                        [ClusterSnapshot.Owner(kind: "Pod", name: ClusterSnapshot.podName($0), uid: configMapOwnerUID)]
                    )
                }))
    }

    @Test("an honest run passes, and its counts say what happened")
    func honestRunPasses() throws {
        var (ledger, id) = try Self.answeredCreate()
        ledger.recordSample(Self.sample(committed: 1, marks: 1))
        let verdict = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(verdict.passed, "\(verdict.violations)")
        #expect(verdict.counts.creates == 1 && verdict.counts.podCreated == 1 && verdict.counts.executionStarted == 1)
        #expect(verdict.counts.offsetsChecked == 1)
    }

    @Test("a commit past a create whose events were not yet delivered breaks invariant 5")
    func commitPastUndeliveredEvents() throws {
        var (ledger, id) = try Self.answeredCreate()
        // The commit covers offset 0, but when it was read the event topics held nothing yet.
        ledger.recordSample(Self.sample(committed: 1, marks: 0))
        let verdict = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 5: offsets committed past unfinished work") })
    }

    @Test(
        "a commit past a delete whose Pod was still live breaks invariant 5; a Pod left at the end breaks invariant 2")
    func commitPastLiveDelete() throws {
        var (ledger, id) = try Self.answeredCreate()
        ledger.recordProduced(.delete(target: 0), executionID: id)
        ledger.recordDelivery(index: 1, partition: 0, offset: 1, error: nil)
        ledger.recordSample(Self.sample(committed: 2, marks: 1, live: [id]))
        let verdict = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 2], ends: [0: 2])
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 5: offsets committed past unfinished work") })
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 2: objects left behind by a delete") })
    }

    @Test("a lost create, an orphan ConfigMap and a stray Pod break invariant 1")
    func clusterInvariants() throws {
        let (ledger, id) = try Self.answeredCreate()
        let lost = ChaosVerdict(ledger: ledger, cluster: Self.cluster([]), committed: [0: 1], ends: [0: 1])
        #expect(lost.violations.contains { $0.hasPrefix("invariant 1: creates without their Pod or ConfigMap") })
        let orphan = ChaosVerdict(
            ledger: ledger, cluster: Self.cluster([id], configMapOwnerUID: "uid-of-an-old-pod"), committed: [0: 1],
            ends: [0: 1])
        #expect(orphan.violations.contains { $0.hasPrefix("invariant 1: ConfigMaps without their owner Pod") })
        let stray = ChaosVerdict(
            ledger: ledger, cluster: Self.cluster([id, "someone-else"]), committed: [0: 1], ends: [0: 1])
        #expect(stray.violations.contains { $0.hasPrefix("invariant 1: objects no command created") })
    }

    @Test("a copy differing only in timestamp is a counted duplicate; another id or other content breaks invariant 3")
    func duplicates() throws {
        var (ledger, id) = try Self.answeredCreate()
        let create = try Self.command(0)
        Self.publish(&ledger, Self.events(create, at: Self.later).created, topic: "pod_events", offset: 1, key: id)
        Self.publish(&ledger, Self.events(create).started, topic: "execution_events", offset: 1, key: id)
        let fine = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(fine.passed, "\(fine.violations)")
        #expect(fine.counts.timestampOnlyDuplicates == 1 && fine.counts.identicalDuplicates == 1)

        var otherID = PodCreatedEvent(replyingTo: create, namespace: "integr8scode", timestamp: Self.now)
        otherID.eventID = "11111111-2222-4333-8444-555555555555"
        Self.publish(&ledger, otherID.encoded(), topic: "pod_events", offset: 2, key: id)
        let otherNamespace = PodCreatedEvent(replyingTo: create, namespace: "elsewhere", timestamp: Self.now)
        Self.publish(&ledger, otherNamespace.encoded(), topic: "pod_events", offset: 3, key: id)
        let broken = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(
            broken.violations.contains { $0.hasPrefix("invariant 3: events whose id is not the deterministic one") })
        #expect(
            broken.violations.contains {
                $0.hasPrefix("invariant 3: copies of an event with the same id and different content")
            })
    }

    @Test("a missing event breaks invariant 3; an execution_failed breaks invariant 4")
    func missingAndFailedEvents() throws {
        let create = try Self.command(0)
        var ledger = ChaosLedger()
        ledger.recordProduced(.create, executionID: create.executionID)
        ledger.recordDelivery(index: 0, partition: 0, offset: 0, error: nil)
        Self.publish(&ledger, Self.events(create).created, topic: "pod_events", offset: 0, key: create.executionID)
        let failed = ExecutionFailedEvent(replyingTo: create, stderr: "Failed to create pod: boom", timestamp: Self.now)
        Self.publish(&ledger, failed.encoded(), topic: "execution_events", offset: 0, key: create.executionID)
        let verdict = ChaosVerdict(
            ledger: ledger, cluster: Self.cluster([create.executionID]), committed: [0: 1], ends: [0: 1])
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 3: creates without an event") })
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 4: execution_failed events") })
    }

    @Test("after a supervisor kill, finished but uncommitted work must be published again")
    func redoAfterKill() throws {
        var (ledger, id) = try Self.answeredCreate()
        // Killed with offset 0 finished (its events below the watermarks) but nothing committed.
        ledger.recordSample(Self.sample(committed: 0, marks: 1, label: ChaosLedger.killLabel))
        let notRedone = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(
            notRedone.violations.contains {
                $0.hasPrefix("supervisor kill: finished but uncommitted creates not done again")
            })
        let create = try Self.command(0)
        let (created, started) = Self.events(create, at: Self.later)
        Self.publish(&ledger, created, topic: "pod_events", offset: 1, key: id)
        Self.publish(&ledger, started, topic: "execution_events", offset: 1, key: id)
        let redone = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [0: 1], ends: [0: 1])
        #expect(redone.passed, "\(redone.violations)")
        #expect(redone.counts.redoneAfterKills == [1])
    }

    @Test("a partition not committed to its end at the end breaks invariant 5")
    func notCommittedToTheEnd() throws {
        let (ledger, id) = try Self.answeredCreate()
        let verdict = ChaosVerdict(ledger: ledger, cluster: Self.cluster([id]), committed: [:], ends: [0: 1])
        #expect(verdict.violations.contains { $0.hasPrefix("invariant 5: partitions not committed to their end") })
    }

    @Test(
        "the schedule is a function of the seed, bounded in count, and keeps broker faults away from the supervisor kill"
    )
    func scheduleIsSeeded() {
        let topics: [(name: String, partitions: Int)] = [("saga_commands", 6), ("pod_events", 3)]
        let first = ChaosSchedule(settings: ChaosSettings(seed: 42), brokers: 3, topics: topics)
        let again = ChaosSchedule(settings: ChaosSettings(seed: 42), brokers: 3, topics: topics)
        let other = ChaosSchedule(settings: ChaosSettings(seed: 43), brokers: 3, topics: topics)
        #expect(first.entries == again.entries)
        #expect(first.entries != other.entries)
        let plan = ChaosFaultPlan()
        #expect(
            first.entries.count { if case .killWorker = $0.action { true } else { false } } <= plan.workerKills.maximum)
        let kills = first.entries.filter { $0.action == .killSupervisor }.map(\.at)
        #expect(kills.count == 1)
        for entry in first.entries {
            guard case .brokerFault = entry.action else { continue }
            #expect(
                kills.allSatisfy { abs($0 - entry.at) >= 3 }, "broker fault at \(entry.at) near the kill at \(kills)")
        }
    }
}
