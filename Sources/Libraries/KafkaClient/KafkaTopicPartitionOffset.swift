/// An offset within a topic partition, as committed to or read from the group coordinator.
///
/// Committed offsets are the **next offset to read**: after processing the message at offset `n`, commit
/// `n + 1` (``KafkaMessage/nextOffset`` does this).
public struct KafkaTopicPartitionOffset: Hashable, Sendable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The offset. For committed offsets, the next offset to read; `nil` when none is known.
    public var offset: Int64?
    /// Optional commit metadata stored with the offset by the coordinator (at most
    /// `offset.metadata.max.bytes` on the broker, 4096 by default).
    public var metadata: String?

    /// Creates a topic-partition offset.
    public init(topic: String, partition: Int32, offset: Int64?, metadata: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.metadata = metadata
    }

    /// The topic partition without the offset.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// A textual form for logs and diagnostics.
    public var description: String { "\(topic)[\(partition)]@\(offset.map(String.init) ?? "none")" }
}
