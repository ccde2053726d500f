import Events
import SagaBridge

/// Everything a run has produced and observed, kept small enough for long runs: per command its kind, key and
/// log position; per published event its first position and fingerprints of its copies. Pure; the traffic
/// thread and the driver feed it under one lock.
public struct ChaosLedger: Sendable {
    /// A produced command.
    public struct Command: Sendable {
        /// The create of an execution, or the delete of the create at `target` (an index into ``commands``).
        public enum Kind: Sendable, Hashable {
            case create
            case delete(target: Int)
        }

        public var kind: Kind
        /// The execution id (also the record key).
        public var executionID: String
        /// Where the record landed in `saga_commands`, once its delivery report arrived.
        public var partition: Int32?
        public var offset: Int64?
    }

    /// A published event type of one execution, and what was seen of it.
    public struct EventKey: Sendable, Hashable {
        public var executionID: String
        public var eventType: String
    }

    /// Every copy seen of one event (same execution, same type).
    public struct EventCopies: Sendable {
        /// The first copy's event id; every copy must carry it.
        public var eventID: String
        /// Where the first copy was read.
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        /// Copies seen.
        public var copies = 1
        /// FNV-1a of the first copy's bytes, and of its bytes with the `timestamp` value blanked.
        var exact: UInt64
        var masked: UInt64
        /// Later copies byte-identical to the first.
        public var identical = 0
        /// Later copies that differ from the first only in `timestamp` (a redo publishes at its own time).
        public var timestampOnly = 0
        /// Later copies with the same event id that differ elsewhere, and copies with another event id.
        public var divergent = 0
        public var otherEventIDs = 0
    }

    /// One reading of the group's committed offsets, with what was true right after it.
    public struct CommitSample: Sendable {
        /// What the sample was taken for: `sample`, or ``ChaosLedger/killLabel``.
        public var label: String
        /// Seconds from the start.
        public var at: Double
        /// Committed position per `saga_commands` partition (absent: nothing committed).
        public var committed: [Int32: Int64]
        /// High watermarks of the event topics, read after the committed offsets.
        public var watermarks: [String: [Int32: Int64]]
        /// Executions whose delete had been produced and whose Pod still existed without a deletion mark, looked
        /// up after the committed offsets were read.
        public var livePodsOfDeletes: Set<String>

        public init(
            label: String, at: Double, committed: [Int32: Int64], watermarks: [String: [Int32: Int64]],
            livePodsOfDeletes: Set<String>
        ) {
            self.label = label
            self.at = at
            self.committed = committed
            self.watermarks = watermarks
            self.livePodsOfDeletes = livePodsOfDeletes
        }
    }

    /// The label of the sample taken between a supervisor's SIGKILL and the start of the next one.
    public static let killLabel = "after supervisor SIGKILL"

    public private(set) var commands: [Command] = []
    /// Create index by execution id.
    public private(set) var createIndex: [String: Int] = [:]
    /// Command index by partition and offset.
    public private(set) var positions: [Int32: [Int64: Int]] = [:]
    /// Delivery reports that said a command was not delivered.
    public private(set) var deliveryFailures: [String] = []
    public private(set) var events: [EventKey: EventCopies] = [:]
    /// Records read per topic (duplicates included).
    public private(set) var recordsPerTopic: [String: Int] = [:]
    /// One past the last offset read, per event topic and partition.
    public private(set) var observedEnd: [String: [Int32: Int64]] = [:]
    /// `execution_failed` events: execution id and reason.
    public private(set) var failures: [(executionID: String, reason: String)] = []
    /// Dead-lettered records: key and reason.
    public private(set) var deadLetters: [(key: String, reason: String)] = []
    /// Records that fit no expectation.
    public private(set) var surprises: [String] = []
    public private(set) var samples: [CommitSample] = []

    public init() {}

    // MARK: Recording

    /// A command was handed to the producer; returns its index.
    @discardableResult
    public mutating func recordProduced(_ kind: Command.Kind, executionID: String) -> Int {
        commands.append(Command(kind: kind, executionID: executionID))
        if kind == .create { createIndex[executionID] = commands.count - 1 }
        return commands.count - 1
    }

    /// The delivery report of command `index`.
    public mutating func recordDelivery(index: Int, partition: Int32?, offset: Int64?, error: String?) {
        guard commands.indices.contains(index) else { return }
        if let error {
            deliveryFailures.append("command \(index) (\(commands[index].executionID)): \(error)")
            return
        }
        guard let partition, let offset else {
            deliveryFailures.append("command \(index): delivered without a partition and offset")
            return
        }
        commands[index].partition = partition
        commands[index].offset = offset
        positions[partition, default: [:]][offset] = index
    }

    /// A record read from an event topic or the dead-letter topic.
    public mutating func recordPublished(
        topic: String, partition: Int32, offset: Int64, key: String, value: [UInt8], deadLetterTopic: String,
        deadLetterReason: String?
    ) {
        recordsPerTopic[topic, default: 0] += 1
        observedEnd[topic, default: [:]][partition] = max(observedEnd[topic]?[partition] ?? 0, offset + 1)
        if topic == deadLetterTopic {
            deadLetters.append((key, deadLetterReason ?? "(no reason header)"))
            return
        }
        guard let event = try? AnyEvent.decode(value) else {
            surprises.append("an undecodable record on \(topic)[\(partition)]@\(offset)")
            return
        }
        switch event {
        case .executionFailed(let failed): failures.append((failed.executionID, failed.stderr))
        case .podCreated, .executionStarted: break
        default: surprises.append("a \(event.eventType) on \(topic)[\(partition)]@\(offset)")
        }
        guard createIndex[event.executionID] != nil else {
            surprises.append("a \(event.eventType) for an execution never created (\(event.executionID))")
            return
        }
        if key != event.executionID { surprises.append("a \(event.eventType) of \(event.executionID) keyed \(key)") }
        let eventKey = EventKey(executionID: event.executionID, eventType: event.eventType.rawValue)
        let exact = Fingerprint.of(value)
        let masked = Fingerprint.of(Fingerprint.maskingTimestamp(value))
        guard var copies = events[eventKey] else {
            events[eventKey] = EventCopies(
                eventID: event.event.eventID, topic: topic, partition: partition, offset: offset, exact: exact,
                masked: masked)
            return
        }
        copies.copies += 1
        if event.event.eventID != copies.eventID {
            copies.otherEventIDs += 1
        } else if exact == copies.exact {
            copies.identical += 1
        } else if masked == copies.masked {
            copies.timestampOnly += 1
        } else {
            copies.divergent += 1
        }
        events[eventKey] = copies
    }

    /// A committed-offset sample.
    public mutating func recordSample(_ sample: CommitSample) { samples.append(sample) }

    // MARK: Queries

    /// Indices of the creates whose execution is deleted by a later command.
    public var deletedCreates: Set<Int> {
        Set(commands.compactMap { if case .delete(let target) = $0.kind { target } else { nil } })
    }

    /// Execution ids of the deletes produced so far.
    public var deletedExecutionIDs: [String] {
        commands.compactMap { if case .delete = $0.kind { $0.executionID } else { nil } }
    }

    /// Execution ids of the deletes not known to lie below `floor` (a committed position per partition).
    public func deletes(notBelow floor: [Int32: Int64]) -> [String] {
        commands.compactMap { command in
            guard case .delete = command.kind else { return nil }
            if let partition = command.partition, let offset = command.offset, offset < floor[partition, default: 0] {
                return nil
            }
            return command.executionID
        }
    }

    /// Commands whose delivery report has not arrived.
    public var undelivered: Int { commands.count { $0.offset == nil } }

    /// The event types a create must produce.
    public static let createEvents = [EventType.podCreated.rawValue, EventType.executionStarted.rawValue]

    /// Whether every create has each of its events.
    public var everyCreateAnswered: Bool { missingEvents(limit: 1).isEmpty }

    /// Creates lacking an event, as `execution id: event type`, at most `limit`.
    public func missingEvents(limit: Int = .max) -> [String] {
        var missing: [String] = []
        for command in commands where command.kind == .create {
            for type in Self.createEvents
            where events[EventKey(executionID: command.executionID, eventType: type)] == nil {
                missing.append("\(command.executionID): \(type)")
                if missing.count >= limit { return missing }
            }
        }
        return missing
    }
}
