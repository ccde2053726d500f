internal import CRdKafka

/// Pausing, made reliable on librdkafka 2.0.2.
///
/// `rd_kafka_pause_partitions` is asynchronous and versioned: a pause issued while a newly assigned partition
/// is still waiting for its committed offset is overtaken by the fetch start that follows, and is silently
/// lost (librdkafka issue #2190 and relatives). The wrapper therefore remembers what the application paused.
/// Any record that still arrives for such a partition is held back instead of returned, and the pause is
/// issued again. That saves the position after the held records, so nothing is fetched twice. Held records
/// are returned, in order, once the partition is resumed.
extension KafkaConsumer {
    /// The partitions paused by ``pause(_:)`` and not yet resumed.
    public var paused: Set<KafkaTopicPartition> {
        pausedPartitions
    }

    /// Stops delivering records of `partitions` until ``resume(_:)``. Non-blocking.
    ///
    /// Records already fetched for them but not yet returned by `poll` are dropped by librdkafka and fetched
    /// again after resuming. A pause outlives a rebalance: a paused partition that is revoked and later
    /// assigned again stays paused.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(partitions: partitions)
        let err = rd_kafka_pause_partitions(client.handle, list.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        if let error = list.firstError { throw error }
        pausedPartitions.formUnion(partitions)
    }

    /// Resumes delivering records of `partitions`. Non-blocking; records held back while they were paused
    /// come first from the next ``poll(maxEvents:)``.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(partitions: partitions)
        let err = rd_kafka_resume_partitions(client.handle, list.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        if let error = list.firstError { throw error }
        pausedPartitions.subtract(partitions)
        if hasReleasableMessages { signalReadiness() }
    }

    /// Keeps a record that arrived for a paused partition.
    func hold(_ message: KafkaMessage) {
        heldMessages[message.topicPartition, default: []].append(message)
    }

    /// Issues the pause again for partitions that delivered records despite being paused.
    func repause(_ partitions: Set<KafkaTopicPartition>) -> KafkaError? {
        do {
            let list = try RDKafkaTopicPartitionList(partitions: Array(partitions))
            let err = rd_kafka_pause_partitions(client.handle, list.handle)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { return KafkaError.rdKafka(err) }
            return list.firstError
        } catch {
            return error
        }
    }

    /// Whether held records wait for a partition that is no longer paused.
    var hasReleasableMessages: Bool {
        heldMessages.keys.contains { !pausedPartitions.contains($0) }
    }

    /// Returns up to `limit` held records of resumed partitions, oldest first per partition.
    func releaseHeldMessages(limit: Int) -> [KafkaConsumerEvent] {
        var events: [KafkaConsumerEvent] = []
        for partition in heldMessages.keys where !pausedPartitions.contains(partition) {
            guard var records = heldMessages[partition] else { continue }
            let count = min(records.count, limit - events.count)
            events += records.prefix(count).map { .message($0) }
            records.removeFirst(count)
            heldMessages[partition] = records.isEmpty ? nil : records
            if events.count >= limit { break }
        }
        return events
    }

    /// Drops held records of partitions that left the assignment: they were never delivered, so the next
    /// owner reads them again from the committed offset.
    func discardHeldMessages(for partitions: [KafkaTopicPartition]) {
        for partition in partitions { heldMessages[partition] = nil }
    }

    /// The earliest held offset of `partition`: the true position when records are held back.
    func earliestHeldOffset(_ partition: KafkaTopicPartition) -> Int64? {
        heldMessages[partition]?.first?.offset
    }
}
