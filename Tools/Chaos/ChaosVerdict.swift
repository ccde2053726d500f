import Demo
import Events

/// The invariants, checked against what a run produced, observed and left behind. Pure: every input is a value.
public struct ChaosVerdict: Sendable {
    /// What the checks counted (printed whatever the outcome).
    public struct Counts: Sendable {
        public var creates = 0
        public var deletes = 0
        public var partitionsUsed = 0
        public var recordsPerTopic: [String: Int] = [:]
        public var podCreated = 0
        public var executionStarted = 0
        public var executionFailed = 0
        public var deadLetters = 0
        /// Extra copies of events: byte-identical, differing only in `timestamp`.
        public var identicalDuplicates = 0
        public var timestampOnlyDuplicates = 0
        /// Executions whose events were published more than once.
        public var republishedExecutions = 0
        public var pods = 0
        public var configMaps = 0
        public var expectedPods = 0
        public var commitSamples = 0
        /// Offsets checked against a sample (each once, when a commit first covered it).
        public var offsetsChecked = 0
        public var committedRecords: Int64 = 0
        public var endRecords: Int64 = 0
        /// Per supervisor kill: committed records at the kill, and finished-but-uncommitted commands redone.
        public var committedAtKills: [Int64] = []
        public var redoneAfterKills: [Int] = []
    }

    public private(set) var counts = Counts()
    /// Every invariant that did not hold, one sentence each (bounded: the first few of a kind, then a count).
    public private(set) var violations: [String] = []

    /// Checks `ledger` (commands, events, commit samples), the final `cluster`, and the final `committed` against
    /// `ends` (the `saga_commands` high watermarks once everything stopped).
    public init(ledger: ChaosLedger, cluster: ClusterSnapshot, committed: [Int32: Int64], ends: [Int32: Int64]) {
        countCommands(ledger)
        checkCluster(ledger, cluster)
        checkEvents(ledger)
        checkCommits(ledger, committed: committed, ends: ends)
    }

    /// Whether every invariant held.
    public var passed: Bool { violations.isEmpty }

    private mutating func report(_ kind: String, _ items: [String]) {
        guard !items.isEmpty else { return }
        let sample = items.prefix(5).joined(separator: "; ")
        violations.append("\(kind): \(items.count) — \(sample)\(items.count > 5 ? "; …" : "")")
    }

    private mutating func countCommands(_ ledger: ChaosLedger) {
        for command in ledger.commands {
            if command.kind == .create { counts.creates += 1 } else { counts.deletes += 1 }
        }
        counts.partitionsUsed = ledger.positions.keys.count
        counts.recordsPerTopic = ledger.recordsPerTopic
        report("commands not delivered to saga_commands", ledger.deliveryFailures)
        let undelivered = ledger.undelivered
        if undelivered > 0 { violations.append("\(undelivered) command(s) without a delivery report") }
    }

    /// Invariants 1 and 2: one Pod and its owned ConfigMap per live create; nothing left of deleted ones; no
    /// ConfigMap without its Pod; nothing else in the namespace.
    private mutating func checkCluster(_ ledger: ChaosLedger, _ cluster: ClusterSnapshot) {
        let deleted = ledger.deletedCreates
        var expectedPods: Set<String> = []
        var missing: [String] = [], unowned: [String] = [], leftovers: [String] = []
        for (index, command) in ledger.commands.enumerated() where command.kind == .create {
            let podName = ClusterSnapshot.podName(command.executionID)
            let configMapName = ClusterSnapshot.configMapName(command.executionID)
            if deleted.contains(index) {
                if cluster.pods[podName] != nil { leftovers.append(podName) }
                if cluster.configMaps[configMapName] != nil { leftovers.append(configMapName) }
                continue
            }
            expectedPods.insert(podName)
            guard let pod = cluster.pods[podName], !pod.terminating else {
                missing.append(podName)
                continue
            }
            guard let owners = cluster.configMaps[configMapName] else {
                missing.append(configMapName)
                continue
            }
            if !owners.contains(ClusterSnapshot.Owner(kind: "Pod", name: podName, uid: pod.uid)) {
                unowned.append(
                    "\(configMapName) not owned by its Pod (uid \(pod.uid)): \(owners.map { "\($0.kind)/\($0.name) \($0.uid)" })"
                )
            }
        }
        counts.pods = cluster.pods.count
        counts.configMaps = cluster.configMaps.count
        counts.expectedPods = expectedPods.count
        let expectedConfigMaps = Set(expectedPods.map { "script-" + $0.dropFirst("executor-".count) })
        let strayPods = Set(cluster.pods.keys).subtracting(expectedPods).subtracting(leftovers)
        let strayConfigMaps = Set(cluster.configMaps.keys).subtracting(expectedConfigMaps).subtracting(leftovers)
        report("invariant 1: creates without their Pod or ConfigMap (lost)", missing)
        report("invariant 1: ConfigMaps without their owner Pod (orphans)", unowned)
        report("invariant 1: objects no command created (orphans)", (strayPods.sorted() + strayConfigMaps.sorted()))
        report("invariant 2: objects left behind by a delete", leftovers)
    }

    /// Invariants 3 and 4: both events of every create, one deterministic event id each, duplicates identical
    /// but for their timestamp; no failure, dead letter or stray record.
    private mutating func checkEvents(_ ledger: ChaosLedger) {
        counts.executionFailed = ledger.failures.count
        counts.deadLetters = ledger.deadLetters.count
        report("invariant 3: creates without an event", ledger.missingEvents(limit: 1000))
        var wrongIDs: [String] = [], divergent: [String] = []
        var republished: Set<String> = []
        for (key, copies) in ledger.events {
            if key.eventType == EventType.podCreated.rawValue {
                counts.podCreated += 1
            } else {
                counts.executionStarted += 1
            }
            let expected = EventID.derive(
                executionID: key.executionID, sagaID: DemoPlan.sagaID, eventType: EventType(rawValue: key.eventType))
            if copies.eventID != expected || copies.otherEventIDs > 0 {
                wrongIDs.append(
                    "\(key.executionID) \(key.eventType): \(copies.eventID) (+\(copies.otherEventIDs) other ids), expected \(expected)"
                )
            }
            if copies.divergent > 0 {
                divergent.append("\(key.executionID) \(key.eventType): \(copies.divergent) copies")
            }
            counts.identicalDuplicates += copies.identical
            counts.timestampOnlyDuplicates += copies.timestampOnly
            if copies.copies > 1 { republished.insert(key.executionID) }
        }
        counts.republishedExecutions = republished.count
        report("invariant 3: events whose id is not the deterministic one, or varies between copies", wrongIDs)
        report(
            "invariant 3: copies of an event with the same id and different content (beyond the timestamp)", divergent)
        report("invariant 4: execution_failed events", ledger.failures.map { "\($0.executionID): \($0.reason)" })
        report("invariant 4: dead-lettered commands", ledger.deadLetters.map { "\($0.key): \($0.reason)" })
        report("unexpected records", ledger.surprises)
    }

    /// Invariant 5: committed offsets never passed unfinished work, and end at the end.
    ///
    /// The check: a sample reads the group's committed position C of each `saga_commands` partition, *then* the
    /// high watermarks W of the event topics, *then* which deleted executions still have a live Pod. The
    /// supervisor marks a command finished only once its events are acknowledged (so they lie below any high
    /// watermark read later) or, for a delete, once the API accepted it (so the Pod is gone or terminating).
    /// Hence, if C was committed honestly, every command below C has the first copy of each of its events at an
    /// offset below W, and no delete below C still has a live Pod. Events are read by offset, so this needs no
    /// clock. Each offset is checked against the first sample whose commit covers it: later samples have higher
    /// watermarks and would only pass more easily.
    ///
    /// Soundness does not depend on timing (a late reading only makes the check more lenient); strength does: the
    /// sampler reads C and W with the supervisor frozen (SIGSTOP), so work left unfinished when C was committed
    /// cannot catch up before W is read (``CommitSampler``). A supervisor that commits on consumption fails this
    /// check even in a run without faults. The delete part is weaker: workers are not frozen, so a delete they
    /// finish during the reading passes.
    ///
    /// After a supervisor kill the sample is taken before the next one starts: the commands at or above C whose
    /// events were already delivered were finished but not committed, and must have been done again (their
    /// events appear twice).
    private mutating func checkCommits(_ ledger: ChaosLedger, committed: [Int32: Int64], ends: [Int32: Int64]) {
        var passed: [String] = []
        var checkedUpTo: [Int32: Int64] = [:]
        counts.commitSamples = ledger.samples.count
        for sample in ledger.samples.sorted(by: { $0.at < $1.at }) {
            for (partition, position) in sample.committed.sorted(by: { $0.key < $1.key }) {
                var offset = checkedUpTo[partition] ?? 0
                while offset < position {
                    counts.offsetsChecked += 1
                    if let problem = Self.unfinished(partition: partition, offset: offset, in: ledger, at: sample) {
                        passed.append(
                            "\(sample.label) at \(Self.seconds(sample.at)) committed \(partition)@\(position) past \(problem)"
                        )
                    }
                    offset += 1
                }
                checkedUpTo[partition] = max(checkedUpTo[partition] ?? 0, position)
            }
            if sample.label == ChaosLedger.killLabel { checkRedo(ledger, after: sample) }
        }
        report("invariant 5: offsets committed past unfinished work", passed)

        counts.committedRecords = committed.values.reduce(0, +)
        counts.endRecords = ends.values.reduce(0, +)
        let short = ends.sorted { $0.key < $1.key }.compactMap { partition, end in
            committed[partition, default: 0] == end
                ? nil
                : "partition \(partition): committed \(committed[partition].map(String.init) ?? "none"), end \(end)"
        }
        report("invariant 5: partitions not committed to their end", short)
    }

    /// Why the command at `partition`@`offset` was not finished at `sample`, or `nil` if it was.
    private static func unfinished(
        partition: Int32, offset: Int64, in ledger: ChaosLedger, at sample: ChaosLedger.CommitSample
    ) -> String? {
        guard let index = ledger.positions[partition]?[offset] else {
            return "offset \(offset), which holds no command of the run"
        }
        let command = ledger.commands[index]
        switch command.kind {
        case .delete:
            return sample.livePodsOfDeletes.contains(command.executionID)
                ? "the delete of \(command.executionID) (its Pod was live)" : nil
        case .create:
            for type in ChaosLedger.createEvents {
                guard
                    let copies = ledger.events[ChaosLedger.EventKey(executionID: command.executionID, eventType: type)],
                    let mark = sample.watermarks[copies.topic]?[copies.partition], copies.offset < mark
                else { return "the create of \(command.executionID) (its \(type) was not yet delivered)" }
            }
            return nil
        }
    }

    /// The redo after a supervisor kill: creates at or above the committed position whose events were all
    /// delivered before the kill must have been published again.
    private mutating func checkRedo(_ ledger: ChaosLedger, after sample: ChaosLedger.CommitSample) {
        var redone = 0
        var notRedone: [String] = []
        for (partition, offsets) in ledger.positions {
            let position = sample.committed[partition] ?? 0
            for (offset, index) in offsets where offset >= position {
                let command = ledger.commands[index]
                guard command.kind == .create else { continue }
                let copies = ChaosLedger.createEvents.compactMap {
                    ledger.events[ChaosLedger.EventKey(executionID: command.executionID, eventType: $0)]
                }
                let finished =
                    copies.count == ChaosLedger.createEvents.count
                    && copies.allSatisfy { $0.offset < sample.watermarks[$0.topic]?[$0.partition] ?? 0 }
                guard finished else { continue }
                if copies.allSatisfy({ $0.copies > 1 }) {
                    redone += 1
                } else {
                    notRedone.append("\(command.executionID) (\(partition)@\(offset))")
                }
            }
        }
        counts.committedAtKills.append(sample.committed.values.reduce(0, +))
        counts.redoneAfterKills.append(redone)
        report("supervisor kill: finished but uncommitted creates not done again", notRedone)
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
