internal import CRdKafka

extension KafkaConsumer {
    /// Commits `offsets` asynchronously. Non-blocking: the outcome arrives later from ``poll(maxEvents:)`` as
    /// ``KafkaConsumerEvent/offsetsCommitted(_:)``.
    ///
    /// Each offset is the **next offset to read** (last processed + 1; see ``KafkaMessage/nextOffset``).
    /// Metadata, when given, is stored with the offset.
    ///
    /// - Throws: ``KafkaError/Code/invalidArgument`` for an empty list or a missing/negative offset, or the
    ///   error librdkafka returns when it cannot even enqueue the commit.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) throws(KafkaError) {
        try ensureOpen()
        let list = try Self.commitList(offsets)
        let err = rd_kafka_commit_queue(client.handle, list.handle, queue.handle, nil, nil)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
    }

    /// Commits `offsets` and waits for the coordinator's answer. **Blocking**, for at most `timeout`.
    ///
    /// The result is returned (or thrown) here and is not also reported through ``poll(maxEvents:)``. On
    /// ``KafkaError/Code/timedOut`` the commit may still complete later.
    ///
    /// - Returns: The committed offsets as acknowledged.
    @discardableResult
    public func commitSync(
        _ offsets: [KafkaTopicPartitionOffset],
        timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try ensureOpen()
        let list = try Self.commitList(offsets)
        let replies = try RDKafkaQueue.temporary(for: client)
        let err = rd_kafka_commit_queue(client.handle, list.handle, replies.handle, nil, nil)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        guard let event = replies.poll(timeoutMilliseconds: timeout.timeoutMilliseconds) else {
            throw KafkaError(code: .timedOut, message: "no commit result within \(timeout)")
        }
        return try Self.commitResult(of: event).get()
    }

    /// The group's committed offsets for `partitions`, asked from the coordinator (`rd_kafka_committed`).
    /// **Blocking**, for at most `timeout`. A partition without a committed offset has `offset == nil`.
    public func committed(
        _ partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(partitions: partitions)
        let err = rd_kafka_committed(client.handle, list.handle, timeout.timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        if let error = list.firstError { throw error }
        return list.offsets
    }

    /// The end offset (high watermark) of each of `partitions`, asked from their leaders with one ListOffsets
    /// request per leader (`rd_kafka_offsets_for_times` with `RD_KAFKA_OFFSET_END`). **Blocking**, for at most
    /// `timeout`. Every record whose delivery was acknowledged before this call lies below its partition's end.
    public func endOffsets(
        _ partitions: [KafkaTopicPartition],
        timeout: Duration = .seconds(10)
    ) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(
            offsets: partitions.map {
                KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: Int64(RD_KAFKA_OFFSET_END))
            })
        let err = rd_kafka_offsets_for_times(client.handle, list.handle, timeout.timeoutMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        if let error = list.firstError { throw error }
        return list.offsets
    }

    /// The consumer's position in `partitions`: the offset of the last record returned by `poll` plus one, or
    /// `nil` when nothing has been consumed from a partition yet (`rd_kafka_position`, corrected for records
    /// held back for a paused partition). Non-blocking.
    public func position(_ partitions: [KafkaTopicPartition]) throws(KafkaError) -> [KafkaTopicPartitionOffset] {
        try ensureOpen()
        let list = try RDKafkaTopicPartitionList(partitions: partitions)
        let err = rd_kafka_position(client.handle, list.handle)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.rdKafka(err) }
        return list.offsets.map { entry in
            var corrected = entry
            if let held = earliestHeldOffset(entry.topicPartition) { corrected.offset = held }
            return corrected
        }
    }

    /// How many records of `partition` lie beyond this consumer's position: the cached high watermark
    /// (`rd_kafka_get_watermark_offsets`, refreshed by every fetch response) minus ``position(_:)``.
    ///
    /// Non-blocking and approximate: it is as fresh as the last fetch. `nil` until the partition has been
    /// fetched from and at least one of its records consumed.
    public func lag(for partition: KafkaTopicPartition) -> Int64? {
        guard !isClosed else { return nil }
        var low = Int64(RD_KAFKA_OFFSET_INVALID)
        var high = Int64(RD_KAFKA_OFFSET_INVALID)
        let err = rd_kafka_get_watermark_offsets(client.handle, partition.topic, partition.partition, &low, &high)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, high >= 0 else { return nil }
        guard let position = try? position([partition]).first?.offset else { return nil }
        return max(0, high - position)
    }

    /// Decodes an `RD_KAFKA_EVENT_OFFSET_COMMIT`: the request-level error, then the first per-partition one.
    static func commitResult(of event: RDKafkaEvent) -> Result<[KafkaTopicPartitionOffset], KafkaError> {
        let err = event.errorCode
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = event.errorText
            return .failure(KafkaError.rdKafka(err, message: text.isEmpty ? nil : text))
        }
        guard let list = event.topicPartitionList else { return .success([]) }
        if let error = RDKafkaTopicPartitionList.firstError(of: list) { return .failure(error) }
        return .success(RDKafkaTopicPartitionList.offsets(of: list))
    }

    private static func commitList(
        _ offsets: [KafkaTopicPartitionOffset]
    ) throws(KafkaError)
        -> RDKafkaTopicPartitionList
    {
        guard !offsets.isEmpty else {
            throw KafkaError(code: .invalidArgument, message: "no offsets to commit")
        }
        for entry in offsets where (entry.offset ?? -1) < 0 {
            throw KafkaError(code: .invalidArgument, message: "\(entry): offset must be the next offset to read")
        }
        return try RDKafkaTopicPartitionList(offsets: offsets)
    }
}
