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
}
