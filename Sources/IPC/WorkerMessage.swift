/// Messages from a worker to the supervisor.
public enum WorkerMessage: Equatable, Sendable {
    /// The first frame a worker sends. The supervisor checks all three values before the worker counts as ready.
    case hello(protocolVersion: UInt16, workerID: UInt32, pid: Int32)
    /// The outcome of a dispatched command.
    case result(commandID: UInt64, outcome: CommandOutcome)
    /// Answer to ``SupervisorMessage/ping(sequence:)``.
    case pong(sequence: UInt64)
    /// The worker's counters since it started, sent after a pong when they changed (and before a drained worker
    /// exits), for the supervisor's metrics.
    case statistics(WorkerStatistics)

    enum Kind: UInt8 {
        case hello = 1, result = 2, pong = 3, statistics = 4
    }

    /// The frame bytes for this message, header included.
    public func frame() -> [UInt8] {
        var writer = PayloadWriter(capacity: 32)
        let kind: Kind
        switch self {
        case .hello(let protocolVersion, let workerID, let pid):
            kind = .hello
            writer.write(protocolVersion)
            writer.write(workerID)
            writer.write(pid)
        case .result(let commandID, let outcome):
            kind = .result
            writer.write(commandID)
            outcome.encode(into: &writer)
        case .pong(let sequence):
            kind = .pong
            writer.write(sequence)
        case .statistics(let statistics):
            kind = .statistics
            statistics.encode(into: &writer)
        }
        return Frame.encode(type: kind.rawValue, payload: writer.bytes)
    }

    /// Decodes a frame received by the supervisor.
    public init(frame: Frame) throws(IPCError) {
        var reader = PayloadReader(frame.payload)
        switch Kind(rawValue: frame.type) {
        case .hello:
            self = .hello(
                protocolVersion: try reader.readUInt16("protocol version"),
                workerID: try reader.readUInt32("worker id"),
                pid: try reader.readInt32("pid"))
        case .result:
            self = .result(
                commandID: try reader.readUInt64("command id"), outcome: try CommandOutcome.decode(from: &reader))
        case .pong:
            self = .pong(sequence: try reader.readUInt64("sequence"))
        case .statistics:
            self = .statistics(try WorkerStatistics.decode(from: &reader))
        case nil:
            throw IPCError(.unknownMessage, "worker message type \(frame.type)")
        }
        try reader.expectEnd("worker message")
    }
}
