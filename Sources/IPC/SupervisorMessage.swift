/// Messages from the supervisor to a worker.
public enum SupervisorMessage: Equatable, Sendable {
    /// Reply to ``WorkerMessage/hello(protocolVersion:workerID:pid:)``: how many commands the worker may run at
    /// once and the handler settings (an opaque blob the worker's handler understands).
    case welcome(concurrency: UInt16, handler: String, settings: [UInt8])
    /// Run this command and answer with ``WorkerMessage/result(commandID:outcome:)``.
    case dispatch(DispatchedCommand)
    /// Liveness probe; the worker answers ``WorkerMessage/pong(sequence:)`` with the same number.
    case ping(sequence: UInt64)
    /// Finish what you hold, report it, then exit 0. No new commands will come.
    case drain
    /// Exit now.
    case shutdown

    enum Kind: UInt8 {
        case welcome = 1, dispatch = 2, ping = 3, drain = 4, shutdown = 5
    }

    /// The frame bytes for this message, header included.
    public func frame() -> [UInt8] {
        var writer = PayloadWriter(capacity: 32)
        let kind: Kind
        switch self {
        case .welcome(let concurrency, let handler, let settings):
            kind = .welcome
            writer.write(concurrency)
            writer.write(handler)
            writer.write(bytes: settings)
        case .dispatch(let command):
            kind = .dispatch
            writer.write(command.id)
            writer.write(command.attempt)
            writer.write(command.deadlineMilliseconds)
            writer.write(command.key)
            writer.write(bytes: command.payload)
            let context = command.logContext.sorted { $0.key < $1.key }.prefix(DispatchedCommand.maxContextEntries)
            writer.write(UInt8(context.count))
            for (name, value) in context {
                writer.write(name)
                writer.write(value)
            }
            writer.write(command.expiresAtMilliseconds)
            writer.write(command.maxCreateAttempts)
            writer.write(command.createAttempts)
        case .ping(let sequence):
            kind = .ping
            writer.write(sequence)
        case .drain:
            kind = .drain
        case .shutdown:
            kind = .shutdown
        }
        return Frame.encode(type: kind.rawValue, payload: writer.bytes)
    }

    /// Decodes a frame received by a worker.
    public init(frame: Frame) throws(IPCError) {
        var reader = PayloadReader(frame.payload)
        switch Kind(rawValue: frame.type) {
        case .welcome:
            self = .welcome(
                concurrency: try reader.readUInt16("concurrency"), handler: try reader.readString("handler"),
                settings: try reader.readBytes("settings"))
        case .dispatch:
            var command = DispatchedCommand(
                id: try reader.readUInt64("command id"), attempt: try reader.readUInt32("attempt"),
                deadlineMilliseconds: try reader.readUInt32("deadline"), key: try reader.readString("key"),
                payload: try reader.readBytes("payload"))
            let count = try reader.readUInt8("log context count")
            guard count <= DispatchedCommand.maxContextEntries else {
                throw IPCError(.malformedPayload, "log context of \(count) entries")
            }
            var previous: String?
            for _ in 0..<count {
                let name = try reader.readString("log context name")
                // Sorted and unique, as written: one encoding per message.
                if let previous, !(previous < name) {
                    throw IPCError(.malformedPayload, "log context names out of order or repeated")
                }
                previous = name
                command.logContext[name] = try reader.readString("log context value")
            }
            command.expiresAtMilliseconds = try reader.readUInt64("expiry")
            command.maxCreateAttempts = try reader.readUInt32("max create attempts")
            command.createAttempts = try reader.readUInt32("create attempts")
            self = .dispatch(command)
        case .ping:
            self = .ping(sequence: try reader.readUInt64("sequence"))
        case .drain:
            self = .drain
        case .shutdown:
            self = .shutdown
        case nil:
            throw IPCError(.unknownMessage, "supervisor message type \(frame.type)")
        }
        try reader.expectEnd("supervisor message")
    }
}
