/// Builds the dead-letter copy of a record: the original key, value and headers, plus headers saying why and
/// where it came from.
public enum DeadLetter {
    public static func record(for original: ConsumedRecord, kind: String, reason: String, topic: String) -> OutgoingRecord {
        var headers = original.headers
        headers.append(.init(RecordHeaders.dlqError, reason))
        headers.append(.init(RecordHeaders.dlqErrorKind, kind))
        headers.append(.init(RecordHeaders.dlqSourceTopic, original.topic))
        headers.append(.init(RecordHeaders.dlqSourcePartition, String(original.partition)))
        headers.append(.init(RecordHeaders.dlqSourceOffset, String(original.offset)))
        headers.append(.init(RecordHeaders.dlqProducer, "k8s-worker"))
        return OutgoingRecord(topic: topic, key: original.key, value: original.value, headers: headers)
    }
}
