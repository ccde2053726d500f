import Testing

@testable import KafkaClient

/// librdkafka 2.0.2 aborts when a cooperative-sticky consumer is destroyed between its group's JoinGroup answer
/// and its first SyncGroup answer (librdkafka issue #4312). Without the guard in `KafkaConsumer+Teardown.swift`
/// these tests crash the test process with SIGABRT in `rd_kafka_sticky_assignor_state_destroy`.
@Suite("Consumer teardown before the first assignment", .timeLimit(.minutes(2)))
struct TeardownTests {
    /// A consumer whose first SyncGroup answer is held back by the coordinator for 8 s: after 5 s of polling it
    /// has joined (the mock's first rebalance waits 3 s) but has no assignment.
    static func consumerStuckInFirstSync(_ cluster: KafkaMockCluster, group: String) throws -> ConsumerProbe {
        try cluster.createTopic("jobs", partitions: 6, replicationFactor: 1)
        try cluster.pushRequestErrors([(KafkaError.Code(rdKafkaValue: 0), .seconds(8))], for: .syncGroup, brokerID: 1)
        var configuration = TestConfiguration.consumer(cluster, group: group)
        configuration.partitionAssignmentStrategies = [.cooperativeSticky]
        let probe = try ConsumerProbe(configuration, topics: ["jobs"])
        _ = try drive([probe], within: .seconds(5)) { false }
        #expect(probe.assignments.isEmpty, "the first SyncGroup answer is still held back")
        #expect(probe.consumer.destroyMayAbort)
        return probe
    }

    @Test("closed then released during its first rebalance: the process survives")
    func closedDuringFirstRebalance() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        var probe: ConsumerProbe? = try Self.consumerStuckInFirstSync(cluster, group: "closed")
        #expect(try probe?.consumer.close(within: .seconds(2)) == true)
        probe = nil
        #expect(probe == nil, "released without aborting")
    }

    @Test("released without a close during its first rebalance: the process survives")
    func releasedDuringFirstRebalance() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        var probe: ConsumerProbe? = try Self.consumerStuckInFirstSync(cluster, group: "released")
        probe = nil
        #expect(probe == nil, "released without aborting")
    }

    @Test("once assigned, the handle is destroyed as usual")
    func assignedConsumerIsDestroyed() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("jobs", partitions: 2, replicationFactor: 1)
        var configuration = TestConfiguration.consumer(cluster, group: "assigned")
        configuration.partitionAssignmentStrategies = [.cooperativeSticky]
        let probe = try ConsumerProbe(configuration, topics: ["jobs"])
        try drive([probe], within: .seconds(20)) { probe.assigned.count == 2 }
        #expect(!probe.consumer.destroyMayAbort)
        var eager = TestConfiguration.consumer(cluster, group: "eager")
        eager.partitionAssignmentStrategies = [.range]
        #expect(try !KafkaConsumer(configuration: eager).destroyMayAbort, "eager assignors keep no such state")
        try probe.consumer.close()
    }
}
