internal import CRdKafka

/// Owns an `rd_kafka_conf_t` until it is handed to `rd_kafka_new`. This is the only file where librdkafka
/// property names are spelled out for the typed configurations.
final class RDKafkaConfig {
    private var handle: OpaquePointer?

    /// Builds a configuration from ordered `(property, value)` pairs and an `RD_KAFKA_EVENT_*` mask.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` naming the first property librdkafka rejects.
    init(properties: [(String, String)], events: Int32) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.configuration(property: nil, message: "rd_kafka_conf_new returned NULL")
        }
        handle = conf
        for (name, value) in properties {
            try set(name, value)
        }
        rd_kafka_conf_set_events(conf, Int32(events))
        // No stderr logger: with `log.queue=true` log lines arrive as events, and any line librdkafka serves
        // through the callback path instead (inside rd_kafka_consumer_close) is dropped rather than printed.
        rd_kafka_conf_set_log_cb(conf, nil)
    }

    deinit {
        if let handle { rd_kafka_conf_destroy(handle) }
    }

    /// Sets one property.
    func set(_ name: String, _ value: String) throws(KafkaError) {
        guard let handle else {
            throw KafkaError.invalidState("configuration already handed to librdkafka")
        }
        if let rejection = Self.set(name, value, on: handle) { throw rejection }
    }

    /// Sets one property on `conf`; librdkafka's refusal, if any.
    static func set(_ name: String, _ value: String, on conf: OpaquePointer) -> KafkaError? {
        var errorText = [CChar](repeating: 0, count: 512)
        guard rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK else { return nil }
        let text = String(nulTerminated: errorText)
        return KafkaError.configuration(property: name, message: text.isEmpty ? "rejected" : text)
    }

    /// Lends the handle to `body` (which calls `rd_kafka_new`). If `body` returns `true`, librdkafka now owns
    /// the configuration and this object forgets it; otherwise it is still destroyed by `deinit`.
    func transferOwnership(_ body: (OpaquePointer) -> Bool) throws(KafkaError) {
        guard let handle else {
            throw KafkaError.invalidState("configuration already handed to librdkafka")
        }
        if body(handle) { self.handle = nil }
    }
}

// MARK: - Typed configuration to librdkafka properties

extension KafkaSecurityConfiguration {
    var librdkafkaProperties: [(String, String)] {
        var result: [(String, String)] = [("security.protocol", securityProtocol.value)]
        if let saslMechanism { result.append(("sasl.mechanisms", saslMechanism.value)) }
        if let saslUsername { result.append(("sasl.username", saslUsername)) }
        if let saslPassword { result.append(("sasl.password", saslPassword)) }
        if let sslCALocation { result.append(("ssl.ca.location", sslCALocation)) }
        if let sslCertificateLocation { result.append(("ssl.certificate.location", sslCertificateLocation)) }
        if let sslKeyLocation { result.append(("ssl.key.location", sslKeyLocation)) }
        if let sslKeyPassword { result.append(("ssl.key.password", sslKeyPassword)) }
        return result
    }
}

extension KafkaConsumerConfiguration {
    /// The properties in the order they are applied; ``additionalProperties`` last, sorted by name.
    var librdkafkaProperties: [(String, String)] {
        var result: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("group.id", groupID),
            ("client.id", clientID),
            ("auto.offset.reset", autoOffsetReset.value),
            ("session.timeout.ms", String(sessionTimeout.wholeMilliseconds)),
            ("heartbeat.interval.ms", String(heartbeatInterval.wholeMilliseconds)),
            ("max.poll.interval.ms", String(maxPollInterval.wholeMilliseconds)),
            ("partition.assignment.strategy", partitionAssignmentStrategies.map(\.value).joined(separator: ",")),
            ("enable.auto.commit", enableAutoCommit ? "true" : "false"),
            ("enable.auto.offset.store", enableAutoOffsetStore ? "true" : "false"),
            ("enable.partition.eof", "false"),
        ]
        if let groupInstanceID { result.append(("group.instance.id", groupInstanceID)) }
        result += security.librdkafkaProperties
        result += additionalProperties.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) }
        // The wrapper's event plumbing depends on this; it cannot be overridden.
        result.append(("log.queue", "true"))
        return result
    }
}

extension KafkaProducerConfiguration {
    /// The properties in the order they are applied; ``additionalProperties`` last, sorted by name.
    var librdkafkaProperties: [(String, String)] {
        var result: [(String, String)] = [
            ("bootstrap.servers", bootstrapServers.joined(separator: ",")),
            ("client.id", clientID),
            ("acks", acks.value),
            ("enable.idempotence", enableIdempotence ? "true" : "false"),
            ("partitioner", partitioner.value),
            ("linger.ms", String(linger.wholeMilliseconds)),
            ("message.timeout.ms", String(messageTimeout.wholeMilliseconds)),
            ("message.max.bytes", String(maxMessageBytes)),
            ("compression.codec", compression.value),
        ]
        result += security.librdkafkaProperties
        result += additionalProperties.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) }
        // The wrapper's event plumbing depends on this; it cannot be overridden.
        result.append(("log.queue", "true"))
        return result
    }
}
