internal import CRdKafka

/// Owns one `rd_kafka_event_t` and destroys it in `deinit`. Pointers read from it (messages, partition
/// lists, strings) are valid only while the event object is alive.
final class RDKafkaEvent {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        rd_kafka_event_destroy(handle)
    }

    /// One of the `RD_KAFKA_EVENT_*` values.
    var type: Int32 {
        rd_kafka_event_type(handle)
    }

    /// The event's error code (`RD_KAFKA_RESP_ERR_NO_ERROR` when none).
    var errorCode: rd_kafka_resp_err_t {
        rd_kafka_event_error(handle)
    }

    /// The event's error text.
    var errorText: String {
        String(optionalCString: rd_kafka_event_error_string(handle)) ?? ""
    }

    /// Whether an `RD_KAFKA_EVENT_ERROR` is fatal.
    var isFatal: Bool {
        rd_kafka_event_error_is_fatal(handle) != 0
    }

    /// The next message of a fetch or delivery-report event. For fetch events this also advances the
    /// consumer's position (`rd_kafka_event_message_next` does the bookkeeping `rd_kafka_consumer_poll` does).
    func nextMessage() -> UnsafePointer<rd_kafka_message_t>? {
        rd_kafka_event_message_next(handle)
    }

    /// The borrowed partition list of a rebalance or offset-commit event.
    var topicPartitionList: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? {
        rd_kafka_event_topic_partition_list(handle)
    }

    /// The log line of an `RD_KAFKA_EVENT_LOG` event polled from `client`.
    func logLine(of client: RDKafkaClient) -> KafkaLogLine? {
        var facility: UnsafePointer<CChar>?
        var text: UnsafePointer<CChar>?
        var level: Int32 = 0
        guard rd_kafka_event_log(handle, &facility, &text, &level) == 0 else { return nil }
        return KafkaLogLine(
            level: KafkaLogLine.Level(syslogValue: level),
            facility: String(optionalCString: facility) ?? "",
            message: String(optionalCString: text) ?? "", client: client.name)
    }
}
