internal import CRdKafka

/// An in-process Kafka cluster speaking the real protocol on loopback, from librdkafka's mock API
/// (`rdkafka_mock.h`, experimental upstream). It runs on its own librdkafka handle and threads; clients reach
/// it through ``bootstrapServers`` like any cluster.
///
/// It supports producing (idempotent too), group consumers with offset commits, and fault injection. It is
/// used by the tests and by the product's demo mode. Broker ids are `1...brokerCount`. Methods that take an
/// optional broker id mean "all brokers" for `nil`. Calls are short synchronous round trips to the mock's
/// thread. The cluster is destroyed in `deinit`; destroy the clients connected to it first.
public final class KafkaMockCluster {
    private let cluster: RDKafkaMockClusterHandle
    /// The number of brokers.
    public let brokerCount: Int
    /// The brokers' `host:port` listeners, for ``KafkaConsumerConfiguration/bootstrapServers`` and
    /// ``KafkaProducerConfiguration/bootstrapServers``.
    public let bootstrapServers: [String]

    /// Starts a cluster with `brokers` brokers on ephemeral loopback ports.
    ///
    /// - Throws: ``KafkaError/Code/invalidArgument`` for fewer than one broker, or the creation failure.
    public init(brokers: Int = 3) throws(KafkaError) {
        guard brokers >= 1, brokers <= Int(Int32.max) else {
            throw KafkaError(code: .invalidArgument, message: "a mock cluster needs at least one broker")
        }
        // The dedicated handle only hosts the cluster; it connects nowhere. Keep its own logging quiet.
        let config = try RDKafkaConfig(properties: [("log_level", "3")], events: 0)
        let client = try RDKafkaClient(kind: .producer, config: config)
        cluster = try RDKafkaMockClusterHandle(client: client, brokers: Int32(brokers))
        brokerCount = brokers
        bootstrapServers = (String(optionalCString: rd_kafka_mock_cluster_bootstraps(cluster.handle)) ?? "")
            .split(separator: ",").map(String.init)
    }

    /// Creates a topic (the mock has no CreateTopics support; clients may also auto-create topics).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        try check(
            rd_kafka_mock_topic_create(
                cluster.handle, name, Int32(clamping: partitions), Int32(clamping: replicationFactor)),
            "create topic \(name)")
    }

    /// Makes the next `errors.count` requests of type `api` to any broker fail with `errors`, in order
    /// (`rd_kafka_mock_push_request_errors_array`). ``KafkaError/Code/transport`` disconnects the client
    /// instead of answering.
    public func pushRequestErrors(_ errors: [KafkaError.Code], for api: KafkaAPIKey) throws(KafkaError) {
        let values = try errors.map { code throws(KafkaError) in try Self.rdKafkaError(code) }
        values.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster.handle, api.rawValue, buffer.count, buffer.baseAddress)
        }
    }

    /// Makes the next requests of type `api` to broker `brokerID` answer with each `(error, delay)` in order
    /// (`rd_kafka_mock_broker_push_request_error_rtts`). A zero-value code (`Code(rdKafkaValue: 0)`) with a
    /// delay only slows the response down. Broker-level errors take precedence over cluster-level ones.
    public func pushRequestErrors(
        _ errors: [(code: KafkaError.Code, delay: Duration)],
        for api: KafkaAPIKey,
        brokerID: Int32
    ) throws(KafkaError) {
        for (code, delay) in errors {
            let err = try Self.rdKafkaError(code)
            try check(
                crdkafka_mock_broker_push_request_error_rtt(
                    cluster.handle, brokerID, api.rawValue, err, delay.timeoutMilliseconds),
                "push request error to broker \(brokerID)")
        }
    }

    /// Drops the cluster-level errors still queued for `api`.
    public func clearRequestErrors(for api: KafkaAPIKey) {
        rd_kafka_mock_clear_request_errors(cluster.handle, api.rawValue)
    }

    /// How many injected errors for `api` broker `brokerID` has not consumed yet.
    public func pendingRequestErrorCount(for api: KafkaAPIKey, brokerID: Int32) throws(KafkaError) -> Int {
        var count = 0
        try check(
            rd_kafka_mock_broker_error_stack_cnt(cluster.handle, brokerID, api.rawValue, &count),
            "error stack count of broker \(brokerID)")
        return count
    }

    /// Disconnects a broker (or all) and refuses new connections. Partition leadership does not move.
    public func setBrokerDown(_ brokerID: Int32?) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_down(cluster.handle, brokerID ?? -1), "set broker down")
    }

    /// Lets a broker (or all) accept connections again.
    public func setBrokerUp(_ brokerID: Int32?) throws(KafkaError) {
        try check(rd_kafka_mock_broker_set_up(cluster.handle, brokerID ?? -1), "set broker up")
    }

    /// Delays every response of a broker (or all) by `roundTripTime`.
    public func setBrokerRoundTripTime(_ roundTripTime: Duration, brokerID: Int32?) throws(KafkaError) {
        try check(
            rd_kafka_mock_broker_set_rtt(cluster.handle, brokerID ?? -1, roundTripTime.timeoutMilliseconds),
            "set broker RTT")
    }

    /// Moves a partition's leadership to `brokerID`, or makes it leaderless for `nil`. Creates the topic if
    /// needed.
    public func setPartitionLeader(topic: String, partition: Int32, brokerID: Int32?) throws(KafkaError) {
        try check(
            rd_kafka_mock_partition_set_leader(cluster.handle, topic, partition, brokerID ?? -1),
            "set leader of \(topic)[\(partition)]")
    }

    /// Sets the preferred replica clients should fetch from (KIP-392).
    public func setPartitionFollower(topic: String, partition: Int32, brokerID: Int32) throws(KafkaError) {
        try check(
            rd_kafka_mock_partition_set_follower(cluster.handle, topic, partition, brokerID),
            "set follower of \(topic)[\(partition)]")
    }

    /// Makes `brokerID` the coordinator of consumer group `group` (instead of the hash-based choice).
    public func setGroupCoordinator(group: String, brokerID: Int32) throws(KafkaError) {
        try check(
            rd_kafka_mock_coordinator_set(cluster.handle, "group", group, brokerID), "set coordinator of \(group)")
    }

    /// Makes Metadata requests report `error` for `topic` (`nil` clears it).
    public func setTopicError(topic: String, error: KafkaError.Code?) throws(KafkaError) {
        let err = try error.map { code throws(KafkaError) in try Self.rdKafkaError(code) } ?? RD_KAFKA_RESP_ERR_NO_ERROR
        rd_kafka_mock_topic_set_error(cluster.handle, topic, err)
    }

    private func check(_ err: rd_kafka_resp_err_t, _ what: String) throws(KafkaError) {
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(err, message: "\(what): \(String(cString: rd_kafka_err2str(err)))")
        }
    }

    private static func rdKafkaError(_ code: KafkaError.Code) throws(KafkaError) -> rd_kafka_resp_err_t {
        guard let err = code.rdKafkaError else {
            throw KafkaError(code: .invalidArgument, message: "\(code) is not a librdkafka error code")
        }
        return err
    }
}
