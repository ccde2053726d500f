/// A record received by a ``KafkaConsumer``.
public struct KafkaMessage: Hashable, Sendable {
    /// The topic the record was read from.
    public var topic: String
    /// The partition the record was read from.
    public var partition: Int32
    /// The record's offset in its partition.
    public var offset: Int64
    /// The record key, or `nil` when the record has none.
    public var key: [UInt8]?
    /// The record value; empty for a null value (see ``valueIsNull``).
    public var value: [UInt8]
    /// Whether the value is null (a tombstone) rather than present, possibly empty.
    public var valueIsNull: Bool
    /// The record headers in wire order.
    public var headers: [KafkaHeader]
    /// The record timestamp, when the record carries one.
    public var timestamp: KafkaTimestamp?

    /// Creates a message (useful for tests of code that consumes messages).
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        headers: [KafkaHeader] = [],
        timestamp: KafkaTimestamp? = nil,
        valueIsNull: Bool = false
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.valueIsNull = valueIsNull
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The topic partition the record came from.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// The offset to commit once this record is processed: `offset + 1`, the next offset to read.
    public var nextOffset: KafkaTopicPartitionOffset {
        KafkaTopicPartitionOffset(topic: topic, partition: partition, offset: offset + 1)
    }

    /// The value of the first header called `name`, if present and not null.
    public func header(_ name: String) -> [UInt8]? {
        headers.first(where: { $0.name == name })?.value ?? nil
    }
}
