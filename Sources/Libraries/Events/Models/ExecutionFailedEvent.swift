/// `execution_failed` (upstream `ExecutionFailedEvent`): published by the worker when a
/// command fails permanently (and by the pod monitor for failed runs).
///
/// Wire order: base fields, then `execution_id, exit_code, error_type, resource_usage,
/// stdout, stderr`.
public struct ExecutionFailedEvent: DomainEvent {
    /// `execution_failed`.
    public static let eventType = EventType.executionFailed

    /// `event_id`.
    public var eventID: String
    /// `event_version` (default `"1.0"`).
    public var eventVersion: String
    /// `timestamp`.
    public var timestamp: Timestamp
    /// `aggregate_id`.
    public var aggregateID: String?
    /// `metadata`.
    public var metadata: EventMetadata

    /// `execution_id`. Required.
    public var executionID: String
    /// `exit_code`. Default 1; the worker sends -1.
    public var exitCode: Int
    /// `error_type`. Required.
    public var errorType: ExecutionErrorType
    /// `resource_usage`. Default `nil`.
    public var resourceUsage: ResourceUsage?
    /// `stdout`. Default `""`.
    public var stdout: String
    /// `stderr`. Default `""`.
    public var stderr: String

    /// Creates an event.
    public init(
        eventID: String, eventVersion: String = "1.0", timestamp: Timestamp, aggregateID: String?,
        metadata: EventMetadata, executionID: String, exitCode: Int = 1, errorType: ExecutionErrorType,
        resourceUsage: ResourceUsage? = nil, stdout: String = "", stderr: String = ""
    ) {
        self.eventID = eventID
        self.eventVersion = eventVersion
        self.timestamp = timestamp
        self.aggregateID = aggregateID
        self.metadata = metadata
        self.executionID = executionID
        self.exitCode = exitCode
        self.errorType = errorType
        self.resourceUsage = resourceUsage
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The event the worker publishes when `command` fails permanently: deterministic
    /// ``EventID``, `error_type` `system_error`, `exit_code` -1, empty `stdout`, no resource
    /// usage, `aggregate_id` and `metadata` copied from the command. `stderr` should be a
    /// short, user-safe message (it becomes the user's result).
    public init(replyingTo command: CreatePodCommand, stderr: String, timestamp: Timestamp) {
        self.init(
            eventID: EventID.derive(
                executionID: command.executionID, sagaID: command.sagaID, eventType: Self.eventType),
            timestamp: timestamp, aggregateID: command.aggregateID, metadata: command.metadata,
            executionID: command.executionID, exitCode: -1, errorType: .systemError,
            resourceUsage: nil, stdout: "", stderr: stderr)
    }
}
