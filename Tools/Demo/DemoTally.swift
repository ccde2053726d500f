import Events

/// What the demo expected and what it has seen so far: fed with produce times, published records and the
/// simulator's state, it answers whether every expectation holds and which do not. Pure; the observer
/// thread owns one and feeds it.
public struct DemoTally: Sendable {
    /// One dead-lettered record.
    public struct DeadLetter: Sendable, Hashable {
        /// The record key.
        public var key: String
        /// The `x-dlq-error` header, if present.
        public var reason: String?
    }

    /// One `execution_failed` event.
    public struct Failure: Sendable, Hashable {
        /// The execution id.
        public var executionID: String
        /// The event's `stderr` (the refusal's reason).
        public var reason: String
    }

    let validCreates: Set<String>
    let disallowedCreates: Set<String>
    let deletedExecutions: Set<String>
    let poisonKeys: Set<String>
    let expectedRecords: Int

    /// Records produced so far.
    public private(set) var produced = 0
    /// Records seen per topic.
    public private(set) var eventsPerTopic: [String: Int] = [:]
    /// Execution ids with a `pod_created`.
    public private(set) var podCreated: Set<String> = []
    /// Execution ids with an `execution_started`.
    public private(set) var executionStarted: Set<String> = []
    /// Every `execution_failed`, in arrival order.
    public private(set) var failures: [Failure] = []
    /// Every dead-lettered record, in arrival order.
    public private(set) var deadLetters: [DeadLetter] = []
    /// Published records that fit no expectation (undecodable events, events for unknown executions).
    public private(set) var surprises: [String] = []
    /// Deleted executions whose Pod the simulator still holds (as of the last ``recordCluster(pods:configMaps:remaining:)``).
    public private(set) var deletedStillPresent: Set<String>
    /// Pods in the simulator's namespace (as of the last look).
    public private(set) var pods = 0
    /// ConfigMaps in the simulator's namespace (as of the last look).
    public private(set) var configMaps = 0

    private var producedAt: [String: UInt64] = [:]
    private var firstKey: String?
    private var firstEventAt: [String: UInt64] = [:]

    /// Expectations from `plan`.
    public init(plan: DemoPlan) {
        validCreates = Set(plan.validCreates)
        disallowedCreates = Set(plan.disallowedCreates)
        deletedExecutions = Set(plan.deletedExecutions)
        poisonKeys = Set(plan.poisonKeys)
        expectedRecords = plan.records.count
        deletedStillPresent = Set(plan.deletedExecutions)
    }

    /// A record with `key` was produced at `nanoseconds` (monotonic). The first produce of a key counts.
    public mutating func recordProduced(key: String, at nanoseconds: UInt64) {
        produced += 1
        if producedAt[key] == nil { producedAt[key] = nanoseconds }
        if firstKey == nil { firstKey = key }
    }

    /// A record published on `topic` arrived at `nanoseconds` (monotonic).
    ///
    /// - Parameter deadLetterReason: for the dead-letter topic, its `x-dlq-error` header.
    public mutating func recordPublished(
        topic: String, key: String, value: [UInt8], deadLetterReason: String?, deadLetterTopic: String,
        at nanoseconds: UInt64
    ) {
        eventsPerTopic[topic, default: 0] += 1
        if firstEventAt[key] == nil { firstEventAt[key] = nanoseconds }
        if topic == deadLetterTopic {
            deadLetters.append(DeadLetter(key: key, reason: deadLetterReason))
            if !poisonKeys.contains(key) {
                surprises.append("record \(key) was dead-lettered: \(deadLetterReason ?? "no reason")")
            }
            return
        }
        guard let event = try? AnyEvent.decode(value) else {
            surprises.append("an undecodable record on \(topic) (key \(key))")
            return
        }
        switch event {
        case .podCreated(let created): podCreated.insert(created.executionID)
        case .executionStarted(let started): executionStarted.insert(started.executionID)
        case .executionFailed(let failed):
            failures.append(Failure(executionID: failed.executionID, reason: failed.stderr))
        default: surprises.append("a \(event.eventType) on \(topic) (key \(key))")
        }
        let id = event.executionID
        if !validCreates.contains(id) && !disallowedCreates.contains(id) {
            surprises.append("a \(event.eventType) for an execution the demo never created (\(id))")
        }
    }

    /// The simulator's namespace now holds `pods` Pods and `configMaps` ConfigMaps; `remaining` are the
    /// deleted executions whose Pod is still there.
    public mutating func recordCluster(pods: Int, configMaps: Int, remaining: Set<String>) {
        self.pods = pods
        self.configMaps = configMaps
        deletedStillPresent = remaining.intersection(deletedExecutions)
    }

    /// Execution ids of the deletes, for the caller to look up in the simulator.
    public var deletedExecutionIDs: Set<String> { deletedExecutions }

    /// Pods (and ConfigMaps) the simulator should hold once everything is through.
    public var expectedPods: Int { validCreates.subtracting(deletedExecutions).count }

    /// Whether every awaited event has arrived (the Pods of deleted executions may still be terminating).
    public var eventsComplete: Bool {
        validCreates.isSubset(of: podCreated) && validCreates.isSubset(of: executionStarted)
            && disallowedCreates.isSubset(of: Set(failures.map(\.executionID)))
            && poisonKeys.isSubset(of: Set(deadLetters.map(\.key)))
    }

    /// Whether the demo has nothing left to wait for.
    public var settled: Bool {
        produced >= expectedRecords && eventsComplete && deletedStillPresent.isEmpty && pods == expectedPods
            && configMaps == expectedPods
    }

    /// Creates that have their first event, of those awaited.
    public var answered: Int { firstEventAt.keys.count { producedAt[$0] != nil } }

    /// Every expectation that does not hold, as sentences; empty means success.
    public var unmetExpectations: [String] {
        var unmet: [String] = []
        if produced < expectedRecords { unmet.append("only \(produced) of \(expectedRecords) records were produced") }
        let missingCreated = validCreates.subtracting(podCreated)
        if !missingCreated.isEmpty {
            unmet.append("\(missingCreated.count) valid create(s) without pod_created: \(Self.sample(missingCreated))")
        }
        let missingStarted = validCreates.subtracting(executionStarted)
        if !missingStarted.isEmpty {
            unmet.append(
                "\(missingStarted.count) valid create(s) without execution_started: \(Self.sample(missingStarted))")
        }
        let failed = Set(failures.map(\.executionID))
        let missingFailed = disallowedCreates.subtracting(failed)
        if !missingFailed.isEmpty {
            unmet.append("the disallowed-image create got no execution_failed: \(Self.sample(missingFailed))")
        }
        for id in disallowedCreates.intersection(podCreated) {
            unmet.append("the disallowed-image create \(id) got a Pod")
        }
        let missingDead = poisonKeys.subtracting(Set(deadLetters.map(\.key)))
        if !missingDead.isEmpty { unmet.append("the poison record was not dead-lettered") }
        if !deletedStillPresent.isEmpty {
            unmet.append(
                "\(deletedStillPresent.count) deleted execution(s) still have a Pod: \(Self.sample(deletedStillPresent))"
            )
        }
        if pods != expectedPods { unmet.append("the simulator holds \(pods) Pods, expected \(expectedPods)") }
        if configMaps != expectedPods {
            unmet.append("the simulator holds \(configMaps) ConfigMaps, expected \(expectedPods)")
        }
        for failure in failures where !disallowedCreates.contains(failure.executionID) {
            unmet.append("execution \(failure.executionID) failed: \(failure.reason)")
        }
        unmet += surprises
        return unmet
    }

    /// Whether a record keyed `key` has been published.
    public func hasEvent(for key: String) -> Bool { firstEventAt[key] != nil }

    /// Produce → first published record, in milliseconds, for every key that has both, except the first
    /// record's (see ``startupMilliseconds``).
    public var latenciesMilliseconds: [Double] {
        firstEventAt.compactMap { key, seen in
            guard key != firstKey, let start = producedAt[key], seen >= start else { return nil }
            return Double(seen - start) / 1e6
        }.sorted()
    }

    /// Produce → first published record of the first record: the supervisor's start-up (worker handshakes,
    /// consumer group join) included.
    public var startupMilliseconds: Double? {
        guard let key = firstKey, let start = producedAt[key], let seen = firstEventAt[key], seen >= start else {
            return nil
        }
        return Double(seen - start) / 1e6
    }

    private static func sample(_ ids: Set<String>) -> String {
        let sorted = ids.sorted()
        return sorted.prefix(3).joined(separator: ", ") + (sorted.count > 3 ? ", …" : "")
    }
}
