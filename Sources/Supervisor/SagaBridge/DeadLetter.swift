import Events

/// Builds the dead-letter copy of a record: the original key, value and headers, plus headers saying why and
/// where it came from — bounded so that it always fits in one Kafka record.
///
/// A dead letter that did not fit would be refused by the producer (`MSG_SIZE_TOO_LARGE`) on every retry and
/// hold its partition's committed offset back for good. So the copy is cut to `maxBytes` (the producer's
/// `message.max.bytes`): first the value is cut to a prefix, then the original headers are dropped, then the
/// key is cut. Whatever was cut is named in `x-dlq-truncated`; `x-dlq-value-bytes` and `x-dlq-value-sha256`
/// describe the whole original value, so the record can still be identified (and deduplicated) after a cut.
public enum DeadLetter {
    /// Room kept for the headers this type adds after the size is known.
    static let truncationHeadersRoom = 128

    public static func record(
        for original: ConsumedRecord, kind: String, reason: String, topic: String, maxBytes: Int
    ) -> OutgoingRecord {
        let headers: [OutgoingRecord.Header] = [
            .init(RecordHeaders.dlqError, reason),
            .init(RecordHeaders.dlqErrorKind, kind),
            .init(RecordHeaders.dlqSourceTopic, original.topic),
            .init(RecordHeaders.dlqSourcePartition, String(original.partition)),
            .init(RecordHeaders.dlqSourceOffset, String(original.offset)),
            .init(RecordHeaders.dlqProducer, "k8s-worker"),
            .init(RecordHeaders.dlqValueBytes, String(original.value.count)),
            .init(RecordHeaders.dlqValueSHA256, SHA256.hash(original.value).hex),
        ]
        let whole = OutgoingRecord(
            topic: topic, key: original.key, value: original.value, headers: original.headers + headers)
        guard whole.wireSize > maxBytes else { return whole }
        // Cut in order until the rest fits: the value to a prefix, then the original headers, then the key.
        let budget = maxBytes - truncationHeadersRoom
        var record = whole
        record.value = []
        var cut: [String] = []
        if record.wireSize > budget {
            record.headers = headers
            cut.append("headers")
        }
        if record.wireSize > budget, let key = original.key {
            record.key = Array(key.prefix(max(0, key.count - (record.wireSize - budget))))
            cut.append("key")
        }
        record.value = Array(original.value.prefix(max(0, budget - record.wireSize)))
        if record.value.count < original.value.count { cut.insert("value", at: 0) }
        record.headers.append(.init(RecordHeaders.dlqTruncated, cut.joined(separator: ",")))
        return record
    }
}

extension DeadLetter {
    /// The stand-in for an event that the brokers refused for good (too large, invalid, not authorized): a dead
    /// letter holding the event (bounded like any dead letter) and naming the command record it answers, so the
    /// command's partition can move on and the event is not lost from sight.
    public static func unpublishable(
        _ event: OutgoingRecord, answering source: (topic: String, partition: Int32, offset: Int64), error: String,
        topic: String, maxBytes: Int
    ) -> OutgoingRecord {
        let copy = ConsumedRecord(
            topic: source.topic, partition: source.partition, offset: source.offset, key: event.key, value: event.value,
            headers: event.headers + [.init(RecordHeaders.dlqEventTopic, event.topic)])
        return record(
            for: copy, kind: "unpublishable_event", reason: "event for \(event.topic) refused: \(error)", topic: topic,
            maxBytes: maxBytes)
    }
}
