internal import CRdKafka

/// Decoding of `rd_kafka_message_t` (borrowed from an event) into the public value types.
enum RDKafkaMessage {
    /// The topic name of a message, or `""` when librdkafka attached no topic handle.
    static func topic(of message: UnsafePointer<rd_kafka_message_t>) -> String {
        guard let topic = message.pointee.rkt else { return "" }
        return String(optionalCString: rd_kafka_topic_name(topic)) ?? ""
    }

    /// The error carried by a message, or `nil`.
    ///
    /// Not `rd_kafka_message_errstr`: it returns `payload` as a C string whenever there is one. In a consumer
    /// error event the payload is the error text, but `len` bytes long and not NUL-terminated; in a delivery
    /// report it is the produced record itself (a dead letter holds a user's script), so only the error code's
    /// text may be used there.
    static func error(of message: UnsafePointer<rd_kafka_message_t>, payloadIsErrorText: Bool) -> KafkaError? {
        let raw = message.pointee
        let err = raw.err
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var text = String(optionalCString: rd_kafka_err2str(err)) ?? ""
        if payloadIsErrorText, let payload = raw.payload, raw.len > 0 {
            text = String(decoding: UnsafeRawBufferPointer(start: payload, count: min(raw.len, 4096)), as: UTF8.self)
        }
        let topic = topic(of: message)
        let location = topic.isEmpty ? "" : "\(topic)[\(message.pointee.partition)]: "
        return KafkaError.rdKafka(err, message: location + text)
    }

    /// A consumed record. Copies key, value and headers out of librdkafka's memory.
    static func consumed(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaMessage {
        let raw = message.pointee
        var key: [UInt8]?
        if let bytes = raw.key {
            key = Array(UnsafeRawBufferPointer(start: bytes, count: raw.key_len))
        }
        var value: [UInt8] = []
        if let bytes = raw.payload {
            value = Array(UnsafeRawBufferPointer(start: bytes, count: raw.len))
        }
        return KafkaMessage(
            topic: topic(of: message),
            partition: raw.partition,
            offset: raw.offset,
            key: key,
            value: value,
            headers: headers(of: message),
            timestamp: timestamp(of: message),
            valueIsNull: raw.payload == nil)
    }

    /// A delivery report. The token travels as the message's opaque pointer value.
    static func deliveryReport(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaDeliveryReport {
        let raw = message.pointee
        let token = UInt64(UInt(bitPattern: raw._private))
        let result: Result<Void, KafkaError> =
            error(of: message, payloadIsErrorText: false).map { .failure($0) } ?? .success(())
        return KafkaDeliveryReport(
            token: token,
            topic: topic(of: message),
            partition: raw.partition >= 0 ? raw.partition : nil,
            offset: raw.offset >= 0 ? raw.offset : nil,
            result: result)
    }

    private static func headers(of message: UnsafePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                break
            }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(name: String(optionalCString: name) ?? "", value: bytes))
            index += 1
        }
        return result
    }

    private static func timestamp(of message: UnsafePointer<rd_kafka_message_t>) -> KafkaTimestamp? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &type)
        switch type {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME:
            return KafkaTimestamp(kind: .createTime, millisecondsSinceEpoch: milliseconds)
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME:
            return KafkaTimestamp(kind: .logAppendTime, millisecondsSinceEpoch: milliseconds)
        default:
            return nil
        }
    }
}
