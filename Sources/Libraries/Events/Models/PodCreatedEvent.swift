/// `pod_created` (upstream `PodCreatedEvent`): published by the worker once the executor
/// pod exists.
///
/// Wire order: base fields, then `execution_id, pod_name, namespace`.
public struct PodCreatedEvent: DomainEvent {
    /// `pod_created`.
    public static let eventType = EventType.podCreated

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
    /// `pod_name`, `executor-<execution_id>`. Required.
    public var podName: String
    /// `namespace`. Upstream's default when absent is `"default"` (beware).
    public var namespace: String

    /// Creates an event.
    public init(
        eventID: String, eventVersion: String = "1.0", timestamp: Timestamp, aggregateID: String?,
        metadata: EventMetadata, executionID: String, podName: String, namespace: String = "default"
    ) {
        self.eventID = eventID
        self.eventVersion = eventVersion
        self.timestamp = timestamp
        self.aggregateID = aggregateID
        self.metadata = metadata
        self.executionID = executionID
        self.podName = podName
        self.namespace = namespace
    }

    /// The event the worker publishes after creating the pod for `command`: deterministic
    /// ``EventID``, `aggregate_id` and `metadata` copied from the command, pod name
    /// `executor-<execution_id>`.
    public init(replyingTo command: CreatePodCommand, namespace: String, timestamp: Timestamp) {
        self.init(
            eventID: EventID.derive(
                executionID: command.executionID, sagaID: command.sagaID, eventType: Self.eventType),
            timestamp: timestamp, aggregateID: command.aggregateID, metadata: command.metadata,
            executionID: command.executionID, podName: command.podName, namespace: namespace)
    }
}
