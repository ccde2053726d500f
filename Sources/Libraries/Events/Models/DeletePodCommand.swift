/// `delete_pod_command` (upstream `DeletePodCommandEvent`): asks the worker to delete the
/// executor pod of an execution (saga compensation).
///
/// Wire order: base fields, then `saga_id, execution_id, reason, pod_name, namespace`.
public struct DeletePodCommand: DomainEvent {
    /// `delete_pod_command`.
    public static let eventType = EventType.deletePodCommand

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

    /// `saga_id`. Required.
    public var sagaID: String
    /// `execution_id`: the pod deleted is `executor-<execution_id>`. Required.
    public var executionID: String
    /// `reason`: logged only. Required.
    public var reason: String
    /// `pod_name`: never set upstream. Default `nil`.
    public var podName: String?
    /// `namespace`: never set upstream. Default `nil`.
    public var namespace: String?

    /// Creates a command.
    public init(
        eventID: String, eventVersion: String = "1.0", timestamp: Timestamp, aggregateID: String?,
        metadata: EventMetadata, sagaID: String, executionID: String, reason: String,
        podName: String? = nil, namespace: String? = nil
    ) {
        self.eventID = eventID
        self.eventVersion = eventVersion
        self.timestamp = timestamp
        self.aggregateID = aggregateID
        self.metadata = metadata
        self.sagaID = sagaID
        self.executionID = executionID
        self.reason = reason
        self.podName = podName
        self.namespace = namespace
    }
}
