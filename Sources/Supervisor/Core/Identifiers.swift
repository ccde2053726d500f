/// Identifies one worker incarnation. A replacement worker gets a new id, so a late message from a dead
/// incarnation can never be mistaken for its successor's.
public struct WorkerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public static func < (lhs: WorkerID, rhs: WorkerID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "w\(rawValue)" }
}

/// Identifies one command within a supervisor run.
public struct CommandID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: CommandID, rhs: CommandID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "c\(rawValue)" }
}

/// Where a command came from: the position the source must eventually commit past.
public struct CommandOrigin: Hashable, Sendable, CustomStringConvertible {
    /// The source's partition (always 0 for single-stream sources).
    public var partition: Int32
    /// The offset within the partition.
    public var offset: Int64
    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
    public var description: String { "\(partition)@\(offset)" }
}
