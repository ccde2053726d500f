import Events
import IPC

/// The events published for a finished command (docs/decisions.md, D2), keyed by execution id, with
/// `content-type` and a `traceparent` continuing the command's trace.
public enum OutcomeEvents {
    /// What to publish, plus a note when the outcome did not fit the command (a handler bug, logged by the
    /// caller).
    public struct Plan: Sendable, Equatable {
        public var records: [OutgoingRecord]
        public var anomaly: String?
    }

    /// - Parameters:
    ///   - trace: the command's `traceparent` header, if any.
    public static func plan(
        for command: InboundCommand, outcome: CommandOutcome, layout: TopicLayout, now: Timestamp, trace: String?
    ) -> Plan {
        let parent = trace.flatMap(TraceParent.init(header:))
        switch (command, outcome) {
        case (.create(let create), .created(let podName, let namespace, _)):
            let created = PodCreatedEvent(replyingTo: create, namespace: namespace, timestamp: now)
            let started = ExecutionStartedEvent(replyingTo: create, podName: podName, timestamp: now)
            return Plan(
                records: [
                    record(created, executionID: create.executionID, layout: layout, parent: parent),
                    record(started, executionID: create.executionID, layout: layout, parent: parent),
                ],
                anomaly: nil)
        case (.create(let create), .failed(let reason)):
            let failed = ExecutionFailedEvent(replyingTo: create, stderr: reason, timestamp: now)
            return Plan(
                records: [record(failed, executionID: create.executionID, layout: layout, parent: parent)], anomaly: nil
            )
        case (.create(let create), .deleted), (.create(let create), .completed):
            let failed = ExecutionFailedEvent(
                replyingTo: create, stderr: "The execution could not be started: internal error", timestamp: now)
            return Plan(
                records: [record(failed, executionID: create.executionID, layout: layout, parent: parent)],
                anomaly: "handler answered \(outcome) to a create command")
        case (.delete, .deleted), (.delete, .completed):
            return Plan(records: [], anomaly: nil)
        case (.delete, .failed(let reason)):
            return Plan(records: [], anomaly: "delete failed permanently: \(reason)")
        case (.delete, .created):
            return Plan(records: [], anomaly: "handler answered created to a delete command")
        case (_, .retryLater):
            // The supervisor defers these and never finishes a command with one.
            return Plan(records: [], anomaly: "a retry-later outcome was finished instead of deferred")
        }
    }

    static func record(
        _ event: some DomainEvent, executionID: String, layout: TopicLayout, parent: TraceParent?
    ) -> OutgoingRecord {
        var headers = [OutgoingRecord.Header(RecordHeaders.contentType, "application/json")]
        if let parent {
            headers.append(.init(RecordHeaders.traceParent, parent.child(seed: event.eventID).description))
        }
        return OutgoingRecord(
            topic: layout.topic(for: type(of: event).eventType), key: Array(executionID.utf8), value: event.encoded(),
            headers: headers)
    }
}
