internal import CRdKafka

/// What the cluster's metadata says about one topic.
public struct KafkaTopicMetadata: Sendable, Equatable {
    public var name: String
    public var partitionCount: Int
    /// The broker's error for the topic (for example not authorized), or `nil`.
    public var error: KafkaError.Code?

    public init(name: String, partitionCount: Int, error: KafkaError.Code? = nil) {
        self.name = name
        self.partitionCount = partitionCount
        self.error = error
    }
}

/// Asks the cluster which topics exist, from any thread: librdkafka's API is thread-safe, and the probe keeps the
/// client's handle alive for as long as it exists, so a thread may hold it while the loop closes its producer.
///
/// `rd_kafka_metadata` blocks for up to its timeout, so the probe is meant for a thread of its own, never for the
/// supervisor's event loop.
public final class KafkaTopicProbe: @unchecked Sendable {
    // @unchecked: the only state is the handle, which librdkafka documents as safe to use from any thread.
    private let client: RDKafkaClient

    init(client: RDKafkaClient) {
        self.client = client
    }

    /// Every topic the cluster reports (a Metadata request for all topics, which never creates one).
    public func topics(timeout: Duration) throws(KafkaError) -> [String: KafkaTopicMetadata] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let status = rd_kafka_metadata(client.handle, 1, nil, &metadata, timeout.timeoutMilliseconds)
        guard status == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError.rdKafka(status, message: "metadata request failed")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var topics: [String: KafkaTopicMetadata] = [:]
        let list = metadata.pointee
        for index in 0..<Int(list.topic_cnt) {
            let topic = list.topics[index]
            guard let name = topic.topic.map({ String(cString: $0) }) else { continue }
            let error = topic.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError.Code(topic.err)
            topics[name] = KafkaTopicMetadata(name: name, partitionCount: Int(topic.partition_cnt), error: error)
        }
        return topics
    }
}

extension KafkaProducer {
    /// A probe sharing this producer's connections to the cluster.
    public func topicProbe() -> KafkaTopicProbe {
        KafkaTopicProbe(client: client)
    }
}
