import Events

/// Decides what a consumed record is: a command to run, or a record for the dead-letter topic (with a short
/// machine-readable kind and a human-readable reason). Pure; never throws.
public struct CommandTriage: Sendable {
    /// The verdict for one record.
    public enum Verdict: Sendable, Equatable {
        case command(InboundCommand)
        case deadLetter(kind: String, reason: String)
    }

    public var layout: TopicLayout
    /// Records larger than this are dead-lettered before parsing.
    public var maxRecordBytes: Int

    public init(layout: TopicLayout, maxRecordBytes: Int = 4 << 20) {
        self.layout = layout
        self.maxRecordBytes = maxRecordBytes
    }

    /// Longest execution id that still makes valid object names: `executor-<id>` is a DNS-1123 label (≤ 63).
    public static let maxExecutionIDLength = 63 - "executor-".count

    public func triage(_ record: ConsumedRecord, now: Timestamp) -> Verdict {
        guard record.value.count <= maxRecordBytes else {
            return .deadLetter(
                kind: "too_large", reason: "record of \(record.value.count) bytes exceeds \(maxRecordBytes)")
        }
        if let contentType = record.headerText(RecordHeaders.contentType), !contentType.hasPrefix("application/json") {
            return .deadLetter(
                kind: "content_type", reason: "content-type '\(Self.clip(contentType))' is not application/json")
        }
        let command: InboundCommand
        do {
            command = try InboundCommand.decode(
                record.value, options: DecodingOptions(maxInputBytes: maxRecordBytes, now: { now }))
        } catch {
            // A timestamp that cannot be read gets its own kind: the command's age (and so its expiry,
            // `workers.max_command_age`) counts from it, so a command without a readable one cannot be run.
            let kind =
                error.isUnroutable
                ? "unknown_event_type" : error.fieldPath == "timestamp" ? "invalid_timestamp" : "undecodable"
            return .deadLetter(kind: kind, reason: Self.clip("\(error)"))
        }
        if layout.topicNamesEventType, command.eventType.rawValue != record.topic {
            return .deadLetter(
                kind: "topic_mismatch", reason: "event_type \(command.eventType) on topic \(Self.clip(record.topic))")
        }
        if let problem = Self.executionIDProblem(command.executionID) {
            return .deadLetter(kind: "invalid_execution_id", reason: problem)
        }
        if let problem = Self.echoedFieldProblem(command) {
            return .deadLetter(kind: "field_too_large", reason: problem)
        }
        return .command(command)
    }

    /// Why `id` cannot name Kubernetes objects, or nil if it can: lowercase letters, digits and `-`, starting and
    /// ending with an alphanumeric, at most ``maxExecutionIDLength`` characters.
    public static func executionIDProblem(_ id: String) -> String? {
        if id.isEmpty { return "execution_id is empty" }
        if id.utf8.count > maxExecutionIDLength {
            return "execution_id is \(id.utf8.count) bytes; at most \(maxExecutionIDLength) fit in a pod name"
        }
        let allowed = id.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        guard allowed, id.utf8.first != 0x2D, id.utf8.last != 0x2D else {
            return "execution_id '\(clip(id))' is not a DNS-1123 label (lowercase letters, digits and '-')"
        }
        return nil
    }

    /// Longest value of a field that the events echo (`saga_id` also becomes a Pod annotation and an event id
    /// seed). Upstream fills these with UUIDs and short service names; the bound keeps every event far below the
    /// producer's `message.max.bytes` even when each of them is escaped six-fold in JSON (`\u00XX`).
    public static let maxEchoedFieldBytes = 1024

    /// Why `command` cannot be answered with events that fit in a Kafka record, or nil when it can: `saga_id`,
    /// `aggregate_id` and `metadata`'s strings are copied into every event, so each is bounded by
    /// ``maxEchoedFieldBytes``. Refused here, before any Pod exists, rather than after a Pod was created for a
    /// saga that could never hear back.
    public static func echoedFieldProblem(_ command: InboundCommand) -> String? {
        let metadata: EventMetadata
        let aggregateID: String?
        switch command {
        case .create(let create): (metadata, aggregateID) = (create.metadata, create.aggregateID)
        case .delete(let delete): (metadata, aggregateID) = (delete.metadata, delete.aggregateID)
        }
        let fields: [(String, String)] = [
            ("saga_id", command.sagaID), ("aggregate_id", aggregateID ?? ""), ("metadata.user_id", metadata.userID),
            ("metadata.service_name", metadata.serviceName), ("metadata.service_version", metadata.serviceVersion),
        ]
        for (name, value) in fields where value.utf8.count > maxEchoedFieldBytes {
            return "\(name) is \(value.utf8.count) bytes; at most \(maxEchoedFieldBytes) are echoed into events"
        }
        return nil
    }

    /// At most 200 printable characters, for reasons that end up in headers and logs.
    static func clip(_ text: String) -> String {
        let printable = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) }
        return printable.count > 200 ? String(printable.prefix(200)) + "…" : String(printable)
    }
}
