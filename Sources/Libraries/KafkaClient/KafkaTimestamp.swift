/// The timestamp of a record.
public struct KafkaTimestamp: Hashable, Sendable {
    /// Who set the timestamp.
    public enum Kind: Hashable, Sendable {
        /// Set by the producer when the record was created.
        case createTime
        /// Set by the broker when the record was appended to the log.
        case logAppendTime
    }

    /// Who set the timestamp.
    public var kind: Kind
    /// Milliseconds since the Unix epoch, UTC.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp.
    public init(kind: Kind, millisecondsSinceEpoch: Int64) {
        self.kind = kind
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }
}
