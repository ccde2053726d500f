internal import CRdKafka

/// Owns one `rd_kafka_mock_cluster_t` and destroys it in `deinit`, before the handle it lives on.
final class RDKafkaMockClusterHandle {
    /// The dedicated librdkafka handle; outlives the cluster.
    let client: RDKafkaClient
    let handle: OpaquePointer

    init(client: RDKafkaClient, brokers: Int32) throws(KafkaError) {
        guard let handle = rd_kafka_mock_cluster_new(client.handle, brokers) else {
            throw KafkaError.invalidState("rd_kafka_mock_cluster_new failed")
        }
        self.client = client
        self.handle = handle
    }

    deinit {
        rd_kafka_mock_cluster_destroy(handle)
    }
}
