/// A command the worker consumes, told apart by the body's `event_type` (the decisions'
/// `saga_commands` topic carries both kinds).
public enum InboundCommand: Sendable, Hashable {
    /// `create_pod_command`.
    case create(CreatePodCommand)
    /// `delete_pod_command`.
    case delete(DeletePodCommand)

    /// The `event_type` values this decoder routes.
    public static let eventTypes: [EventType] = [.createPodCommand, .deletePodCommand]

    /// Decodes one record value.
    ///
    /// Refuses inputs over `options.maxInputBytes` before parsing. A missing `event_type` is
    /// ``EventDecodingError/missingEventType`` and any other value than the two command types
    /// is ``EventDecodingError/unknownEventType(_:)``, so the caller can dead-letter it with a
    /// clear reason (see ``EventDecodingError/isUnroutable``).
    public static func decode(
        _ bytes: [UInt8], options: DecodingOptions = DecodingOptions()
    ) throws(EventDecodingError) -> InboundCommand {
        let reader = try EventDocument.reader(for: bytes, options: options)
        switch try EventDocument.eventType(of: reader) {
        case EventType.createPodCommand.rawValue:
            return .create(try CreatePodCommand(reader: reader))
        case EventType.deletePodCommand.rawValue:
            return .delete(try DeletePodCommand(reader: reader))
        case let other:
            throw .unknownEventType(other)
        }
    }

    /// The command's `event_type`.
    public var eventType: EventType {
        switch self {
        case .create: CreatePodCommand.eventType
        case .delete: DeletePodCommand.eventType
        }
    }

    /// The command's `execution_id`.
    public var executionID: String {
        switch self {
        case .create(let command): command.executionID
        case .delete(let command): command.executionID
        }
    }

    /// The command's `saga_id`.
    public var sagaID: String {
        switch self {
        case .create(let command): command.sagaID
        case .delete(let command): command.sagaID
        }
    }

    /// The command's `event_id`.
    public var eventID: String {
        switch self {
        case .create(let command): command.eventID
        case .delete(let command): command.eventID
        }
    }
}

extension InboundCommand {
    /// The command's `timestamp`: when the saga issued it.
    public var timestamp: Timestamp {
        switch self {
        case .create(let command): command.timestamp
        case .delete(let command): command.timestamp
        }
    }
}
