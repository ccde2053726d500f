internal import CRdKafka

/// Owns an `rd_kafka_headers_t` until a successful produce call hands it to librdkafka.
final class RDKafkaHeaders {
    private(set) var handle: OpaquePointer?

    /// Builds a header list; librdkafka copies every name and value.
    init(_ headers: [KafkaHeader]) throws(KafkaError) {
        guard let list = rd_kafka_headers_new(headers.count) else {
            throw KafkaError.invalidState("rd_kafka_headers_new returned NULL")
        }
        handle = list
        for header in headers {
            let err: rd_kafka_resp_err_t
            if let value = header.value {
                err = value.withUnsafeBytes { bytes in
                    rd_kafka_header_add(list, header.name, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                err = rd_kafka_header_add(list, header.name, -1, nil, 0)
            }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdKafka(
                    err, message: "header \(header.name): \(String(cString: rd_kafka_err2str(err)))")
            }
        }
    }

    deinit {
        if let handle { rd_kafka_headers_destroy(handle) }
    }

    /// Records that librdkafka took ownership (the produce call succeeded).
    func relinquish() {
        handle = nil
    }
}
