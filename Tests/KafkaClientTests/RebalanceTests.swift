import Testing

@testable import KafkaClient

@Suite("Group rebalancing with delayed revocation", .timeLimit(.minutes(2)))
struct RebalanceTests {
    /// A joins alone, B joins, A's revocation is held, then released; returns both probes for assertions.
    static func splitWithHeldRevocation(
        on cluster: KafkaMockCluster,
        strategy: KafkaConsumerConfiguration.PartitionAssignmentStrategy,
        group: String
    ) throws -> (first: ConsumerProbe, second: ConsumerProbe, commitDuringHold: Result<Void, KafkaError>) {
        try cluster.createTopic("jobs", partitions: 6, replicationFactor: 3)
        _ = try ConsumerTests.produce(0..<60, to: "jobs", on: cluster)

        var configuration = TestConfiguration.consumer(cluster, group: group)
        configuration.partitionAssignmentStrategies = [strategy]
        // The mock coordinator waits session.timeout - 1 s for members to rejoin; keep that short.
        configuration.sessionTimeout = .seconds(4)
        let first = try ConsumerProbe(configuration, topics: ["jobs"])
        first.completesRevocationsImmediately = false
        try drive([first], within: .seconds(20)) { first.messages.count >= 60 }
        #expect(first.assigned.count == 6, "\(first.logs.transcript)")
        #expect(first.messages.count == 60)

        let second = try ConsumerProbe(configuration, topics: ["jobs"])
        try drive([first, second], within: .seconds(20)) { !first.revocations.isEmpty }
        let revoked = try #require(first.revocations.first, "\(first.logs.transcript)")
        #expect(first.consumer.hasPendingRevocation)

        // The application finishes its work: the revoked partitions stay assigned, the group waits for us.
        try drive([first, second], within: .milliseconds(800)) { false }
        // (A cooperative newcomer may get an empty first assignment; it must not get partitions yet.)
        #expect(second.assigned.isEmpty, "the rebalance must not complete while the revocation is held")
        #expect(Set(try first.consumer.assignment).isSuperset(of: revoked))

        var latest: [KafkaTopicPartition: Int64] = [:]
        for message in first.messages where revoked.contains(message.topicPartition) {
            latest[message.topicPartition] = max(latest[message.topicPartition] ?? 0, message.offset + 1)
        }
        let offsets = latest.map {
            KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
        }
        let commitDuringHold: Result<Void, KafkaError>
        do {
            try first.consumer.commitSync(offsets, timeout: .seconds(5))
            commitDuringHold = .success(())
        } catch {
            commitDuringHold = .failure(error)
        }
        try first.completeRevocation(revoked)
        #expect(!first.consumer.hasPendingRevocation)
        first.completesRevocationsImmediately = true
        try drive([first, second], within: .seconds(20)) {
            !second.assigned.isEmpty && first.assigned.count + second.assigned.count == 6
        }
        return (first, second, commitDuringHold)
    }

    @Test("eager: two members split the partitions only after the held revocation is completed")
    func eagerSplit() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        let (first, second, commit) = try Self.splitWithHeldRevocation(on: cluster, strategy: .range, group: "eager")
        #expect(first.consumer.rebalanceProtocol == "EAGER")
        #expect(first.revocations.first?.count == 6, "eager revokes everything")
        #expect(first.assigned.count == 3 && second.assigned.count == 3, "\(second.logs.transcript)")
        #expect(first.assigned.isDisjoint(with: second.assigned))
        #expect(Set(try first.consumer.assignment) == first.assigned)
        // librdkafka sends the commit; the mock coordinator (unlike a real broker) may refuse commits while
        // the group is rebalancing, so either outcome is accepted here, but it must be a typed answer.
        if case .failure(let error) = commit {
            #expect(error.code == .rebalanceInProgress || error.code == .illegalGeneration, "\(error)")
        }
        try first.consumer.close()
        try second.consumer.close()
    }

    @Test("cooperative-sticky: only the moved partitions are revoked, via incremental unassign")
    func cooperativeSplit() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        let (first, second, commit) = try Self.splitWithHeldRevocation(
            on: cluster, strategy: .cooperativeSticky, group: "cooperative")
        #expect(first.consumer.rebalanceProtocol == "COOPERATIVE")
        #expect(first.revocations.first?.count == 3, "cooperative revokes only what moves")
        #expect(first.assigned.count == 3 && second.assigned.count == 3, "\(second.logs.transcript)")
        #expect(first.assigned.isDisjoint(with: second.assigned))
        if case .failure(let error) = commit {
            #expect(error.code == .rebalanceInProgress || error.code == .illegalGeneration, "\(error)")
        }
        try first.consumer.close()
        try second.consumer.close()
    }
}
