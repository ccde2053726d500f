internal import CRdKafka

/// Owns one `rd_kafka_t` handle and destroys it in `deinit`.
///
/// Every other wrapper object that borrows from the handle (queues, the mock cluster) keeps a strong reference
/// to this object, so the handle outlives them.
final class RDKafkaClient {
    /// Whether the handle is a consumer or a producer.
    enum Kind {
        case consumer
        case producer
    }

    let kind: Kind
    let handle: OpaquePointer
    /// When set, `deinit` leaves the handle alive instead of destroying it (see `KafkaConsumer+Teardown.swift`).
    var leaksHandle = false

    /// Creates the handle, transferring `config` to librdkafka.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` with librdkafka's reason when `rd_kafka_new` rejects the
    ///   configuration as a whole (for example conflicting idempotence settings).
    init(kind: Kind, config: RDKafkaConfig) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        var created: OpaquePointer?
        let type = kind == .consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER
        try config.transferOwnership { conf in
            created = rd_kafka_new(type, conf, &errorText, errorText.count)
            return created != nil
        }
        guard let created else {
            let text = String(nulTerminated: errorText)
            throw KafkaError.configuration(property: nil, message: text.isEmpty ? "rd_kafka_new failed" : text)
        }
        self.kind = kind
        self.handle = created
    }

    deinit {
        if leaksHandle { return }
        switch kind {
        case .consumer:
            // Never block in deinit: a consumer that was not closed leaves its group by session timeout.
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        case .producer:
            rd_kafka_destroy(handle)
        }
    }

    /// librdkafka's name of this client (`rd_kafka_name`): `client.id#consumer-N` or `client.id#producer-N`.
    var name: String { String(cString: rd_kafka_name(handle)) }

    /// The fatal error raised on this handle, if any (`rd_kafka_fatal_error`).
    var fatalError: KafkaError? {
        var errorText = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &errorText, errorText.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError.rdKafka(err, message: String(nulTerminated: errorText), isFatal: true)
    }

    /// Converts an `RD_KAFKA_EVENT_ERROR` payload; for fatal errors the underlying cause is fetched from
    /// `rd_kafka_fatal_error`.
    func error(code: rd_kafka_resp_err_t, text: String, isFatal: Bool) -> KafkaError {
        if isFatal, let underlying = fatalError {
            return underlying
        }
        return KafkaError.rdKafka(code, message: text, isFatal: isFatal)
    }
}

extension RDKafkaClient {
    /// The rebalance protocol of the consumer's group: `"EAGER"`, `"COOPERATIVE"`, or `"NONE"` before the first
    /// join (`rd_kafka_rebalance_protocol`, a request to the group thread that waits for its answer).
    var rebalanceProtocol: String {
        String(optionalCString: rd_kafka_rebalance_protocol(handle)) ?? "NONE"
    }
}
