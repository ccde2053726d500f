/// What ``KafkaConsumer/poll(maxEvents:)`` returns.
public enum KafkaConsumerEvent: Sendable {
    /// A record.
    case message(KafkaMessage)
    /// The group gave these partitions to this consumer. The wrapper has already applied the assignment
    /// (`rd_kafka_assign` or `rd_kafka_incremental_assign`), and records for them may follow.
    case partitionsAssigned([KafkaTopicPartition])
    /// The group is taking these partitions away. The wrapper has **not** unassigned them yet: finish the
    /// in-flight work for them (keep calling `poll`), commit, then call ``KafkaConsumer/completeRevocation()``.
    /// The rebalance does not progress until then, so do it well within `max.poll.interval.ms`.
    case partitionsRevoked([KafkaTopicPartition])
    /// Like ``partitionsRevoked(_:)``, but the assignment was lost involuntarily (for example the session
    /// timed out), so the partitions may already belong to another member and committing for them will
    /// likely fail. Abandon their in-flight work, then call ``KafkaConsumer/completeRevocation()``.
    case partitionsLost([KafkaTopicPartition])
    /// The result of an asynchronous ``KafkaConsumer/commit(_:)``: the offsets as acknowledged, or why the
    /// commit failed. (``KafkaConsumer/commitSync(_:timeout:)`` returns its result directly instead.)
    case offsetsCommitted(Result<[KafkaTopicPartitionOffset], KafkaError>)
    /// A client or consumption error. Most are informational (librdkafka recovers by itself); act on
    /// ``KafkaError/isFatal``.
    case error(KafkaError)
    /// librdkafka could not fetch the committed offsets of a new assignment (the group coordinator was moving
    /// or down) and does not ask again: those partitions stay assigned but are never fetched until they are
    /// assigned anew. Rejoin the group (``KafkaConsumer/subscribe(topics:)`` again) so that the next
    /// assignment fetches them. Reported once per ``KafkaConsumer/poll(maxEvents:)``, after the ``error(_:)``.
    case committedOffsetsUnavailable
}
