/// `execution_started` (upstream `ExecutionStartedEvent`): published by the worker right
/// after `pod_created` (upstream documents it but never emits it).
///
/// Wire order: base fields, then `execution_id, pod_name, node_name, container_id`.
public struct ExecutionStartedEvent: DomainEvent {
    /// `execution_started`.
    public static let eventType = EventType.executionStarted

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
    /// `pod_name`. Required.
    public var podName: String
    /// `node_name`. Default `nil`.
    public var nodeName: String?
    /// `container_id`. Default `nil`.
    public var containerID: String?

    /// Creates an event.
    public init(
        eventID: String, eventVersion: String = "1.0", timestamp: Timestamp, aggregateID: String?,
        metadata: EventMetadata, executionID: String, podName: String, nodeName: String? = nil,
        containerID: String? = nil
    ) {
        self.eventID = eventID
        self.eventVersion = eventVersion
        self.timestamp = timestamp
        self.aggregateID = aggregateID
        self.metadata = metadata
        self.executionID = executionID
        self.podName = podName
        self.nodeName = nodeName
        self.containerID = containerID
    }

    /// The event the worker publishes once `command`'s pod is created: deterministic
    /// ``EventID``, `aggregate_id` and `metadata` copied from the command.
    public init(
        replyingTo command: CreatePodCommand, podName: String, timestamp: Timestamp,
        nodeName: String? = nil, containerID: String? = nil
    ) {
        self.init(
            eventID: EventID.derive(
                executionID: command.executionID, sagaID: command.sagaID, eventType: Self.eventType),
            timestamp: timestamp, aggregateID: command.aggregateID, metadata: command.metadata,
            executionID: command.executionID, podName: podName, nodeName: nodeName, containerID: containerID)
    }
}
