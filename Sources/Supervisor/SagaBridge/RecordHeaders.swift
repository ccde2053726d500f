/// Header names this project reads and writes.
public enum RecordHeaders {
    public static let contentType = "content-type"
    public static let traceParent = "traceparent"
    /// Dead-letter headers: why, and where the record came from.
    public static let dlqError = "x-dlq-error"
    public static let dlqErrorKind = "x-dlq-error-kind"
    public static let dlqSourceTopic = "x-dlq-source-topic"
    public static let dlqSourcePartition = "x-dlq-source-partition"
    public static let dlqSourceOffset = "x-dlq-source-offset"
    public static let dlqProducer = "x-dlq-producer"
    /// The original value's length and SHA-256 (lowercase hex), present on every dead letter.
    public static let dlqValueBytes = "x-dlq-value-bytes"
    public static let dlqValueSHA256 = "x-dlq-value-sha256"
    /// Present when the copy was cut to fit one record: which parts (`value`, `headers`, `key`).
    public static let dlqTruncated = "x-dlq-truncated"
    /// On an `unpublishable_event` dead letter: the topic the event was meant for.
    public static let dlqEventTopic = "x-dlq-event-topic"
}
