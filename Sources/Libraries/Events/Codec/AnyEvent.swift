/// Any of the five event types this library models, dispatched on `event_type`.
public enum AnyEvent: Sendable, Hashable {
    /// `create_pod_command`.
    case createPodCommand(CreatePodCommand)
    /// `delete_pod_command`.
    case deletePodCommand(DeletePodCommand)
    /// `pod_created`.
    case podCreated(PodCreatedEvent)
    /// `execution_started`.
    case executionStarted(ExecutionStartedEvent)
    /// `execution_failed`.
    case executionFailed(ExecutionFailedEvent)

    /// The `event_type` values this decoder routes.
    public static let eventTypes: [EventType] = [
        .createPodCommand, .deletePodCommand, .podCreated, .executionStarted, .executionFailed,
    ]

    /// Decodes one record value, dispatching on its `event_type` (missing →
    /// ``EventDecodingError/missingEventType``, other values →
    /// ``EventDecodingError/unknownEventType(_:)``).
    public static func decode(
        _ bytes: [UInt8], options: DecodingOptions = DecodingOptions()
    ) throws(EventDecodingError) -> AnyEvent {
        let reader = try EventDocument.reader(for: bytes, options: options)
        switch try EventDocument.eventType(of: reader) {
        case EventType.createPodCommand.rawValue: return .createPodCommand(try CreatePodCommand(reader: reader))
        case EventType.deletePodCommand.rawValue: return .deletePodCommand(try DeletePodCommand(reader: reader))
        case EventType.podCreated.rawValue: return .podCreated(try PodCreatedEvent(reader: reader))
        case EventType.executionStarted.rawValue: return .executionStarted(try ExecutionStartedEvent(reader: reader))
        case EventType.executionFailed.rawValue: return .executionFailed(try ExecutionFailedEvent(reader: reader))
        case let other: throw .unknownEventType(other)
        }
    }

    /// The wrapped event.
    public var event: any DomainEvent {
        switch self {
        case .createPodCommand(let event): event
        case .deletePodCommand(let event): event
        case .podCreated(let event): event
        case .executionStarted(let event): event
        case .executionFailed(let event): event
        }
    }

    /// The event's `event_type`.
    public var eventType: EventType { event.eventType }

    /// Upstream's byte-exact JSON of the wrapped event.
    public func encoded() -> [UInt8] { event.encoded() }

    /// The `execution_id` every modelled event carries (upstream's Kafka record key).
    public var executionID: String {
        switch self {
        case .createPodCommand(let event): event.executionID
        case .deletePodCommand(let event): event.executionID
        case .podCreated(let event): event.executionID
        case .executionStarted(let event): event.executionID
        case .executionFailed(let event): event.executionID
        }
    }
}
