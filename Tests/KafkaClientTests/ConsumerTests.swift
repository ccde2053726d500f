import Testing

@testable import KafkaClient

@Suite("Consumer against the mock cluster", .timeLimit(.minutes(2)))
struct ConsumerTests {
    /// Produces `range` as records `key-(i % 37)` / `value-i` with three headers, and waits for delivery.
    static func produce(
        _ range: Range<Int>, to topic: String, on cluster: KafkaMockCluster
    ) throws
        -> [KafkaDeliveryReport]
    {
        let producer = try KafkaProducer(configuration: TestConfiguration.producer(cluster))
        for index in range {
            try producer.produce(
                topic: topic,
                key: Array("key-\(index % 37)".utf8),
                value: Array("value-\(index)".utf8),
                headers: [
                    KafkaHeader(name: "content-type", string: "application/json"),
                    KafkaHeader(name: "index", string: "\(index)"),
                    KafkaHeader(name: "empty", value: nil),
                ],
                token: UInt64(index))
        }
        let reports = awaitReports(from: producer, count: range.count)
        #expect(reports.count == range.count)
        #expect(reports.allSatisfy { $0.error == nil })
        return reports
    }

    static func index(of message: KafkaMessage) -> Int? {
        message.header("index").flatMap { Int($0.text) }
    }

    @Test("a group consumer receives everything intact, commits, and a successor resumes after the commit")
    func consumeCommitResume() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("commands", partitions: 6, replicationFactor: 3)
        _ = try Self.produce(0..<1000, to: "commands", on: cluster)

        let first = try ConsumerProbe(TestConfiguration.consumer(cluster, group: "workers"), topics: ["commands"])
        try drive([first], within: .seconds(20)) { first.messages.count >= 1000 }
        #expect(first.messages.count == 1000, "\(first.logs.transcript)")
        #expect(first.assigned.count == 6)
        var seen = Set<Int>()
        for message in first.messages {
            let index = try #require(Self.index(of: message))
            seen.insert(index)
            #expect(message.key?.text == "key-\(index % 37)")
            #expect(message.value.text == "value-\(index)")
            #expect(message.headers.map(\.name) == ["content-type", "index", "empty"])
            #expect(message.header("content-type")?.text == "application/json")
            #expect(message.headers[2].value == nil)
            #expect(message.timestamp?.kind == .createTime)
        }
        #expect(seen.count == 1000)

        // Commit the next offset to read of every partition, asynchronously.
        var next: [KafkaTopicPartition: Int64] = [:]
        for message in first.messages {
            next[message.topicPartition] = max(next[message.topicPartition] ?? 0, message.offset + 1)
        }
        let offsets = next.map {
            KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
        }
        try first.consumer.commit(offsets)
        try drive([first], within: .seconds(10)) { !first.commits.isEmpty }
        let committed = try #require(first.commits.first).get()
        #expect(Set(committed) == Set(offsets))
        // A synchronous commit returns its result directly and adds no event.
        #expect(Set(try first.consumer.commitSync(offsets)) == Set(offsets))
        try drive([first], within: .milliseconds(300)) { false }
        #expect(first.commits.count == 1)
        let asked = try first.consumer.committed(Array(next.keys))
        #expect(Set(asked) == Set(offsets))
        try first.consumer.close()
        #expect(throws: KafkaError.self) { try first.consumer.commit(offsets) }

        // New records cover every partition, so receiving all of them proves nothing older is still coming.
        let fresh = try Self.produce(1000..<1060, to: "commands", on: cluster)
        #expect(Set(fresh.compactMap(\.partition)).count == 6)
        let second = try ConsumerProbe(TestConfiguration.consumer(cluster, group: "workers"), topics: ["commands"])
        try drive([second], within: .seconds(20)) { second.messages.count >= 60 }
        let indices = second.messages.compactMap(Self.index(of:))
        #expect(indices.sorted() == Array(1000..<1060), "\(second.logs.transcript)")
        try second.consumer.close()
    }

    @Test("lag reports the records beyond the position after partial consumption")
    func lag() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("backlog", partitions: 1)
        _ = try Self.produce(0..<100, to: "backlog", on: cluster)
        let partition = KafkaTopicPartition(topic: "backlog", partition: 0)

        let probe = try ConsumerProbe(TestConfiguration.consumer(cluster, group: "lagging"), topics: ["backlog"])
        #expect(probe.consumer.lag(for: partition) == nil)
        // Take records one poll at a time and stop at 40.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while probe.messages.count < 40, waitReadable([probe.consumer.readinessDescriptor], until: deadline) {
            for event in probe.consumer.poll(maxEvents: 1) { try probe.handle(event) }
        }
        #expect(probe.messages.count == 40)
        #expect(probe.messages.last?.offset == 39)
        // The rest is still queued, so the readiness descriptor must have been re-armed by `poll`.
        #expect(waitReadable([probe.consumer.readinessDescriptor], until: .now.advanced(by: .milliseconds(200))))
        #expect(probe.consumer.lag(for: partition) == 60)
        #expect(try probe.consumer.position([partition]).first?.offset == 40)
        try probe.consumer.close()
        #expect(probe.consumer.lag(for: partition) == nil)
    }

    @Test("a paused partition delivers nothing until resumed, even when paused right after assignment")
    func pauseResume() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("pausable", partitions: 2)
        let probe = try ConsumerProbe(TestConfiguration.consumer(cluster, group: "pausing"), topics: ["pausable"])
        try drive([probe], within: .seconds(20)) { probe.assigned.count == 2 }
        #expect(probe.assigned.count == 2, "\(probe.logs.transcript)")
        let paused = KafkaTopicPartition(topic: "pausable", partition: 0)
        try probe.consumer.pause([paused])
        #expect(probe.consumer.paused == [paused])

        let reports = try Self.produce(0..<40, to: "pausable", on: cluster)
        let expectedPaused = reports.filter { $0.partition == 0 }.count
        let expectedActive = reports.count - expectedPaused
        #expect(expectedPaused > 0 && expectedActive > 0)

        try drive([probe], within: .seconds(10)) { probe.messages.count >= expectedActive }
        // Watch a little longer: nothing from the paused partition may show up.
        try drive([probe], within: .milliseconds(700)) { false }
        #expect(probe.messages.count == expectedActive)
        #expect(probe.messages.allSatisfy { $0.partition == 1 })

        try probe.consumer.resume([paused])
        #expect(probe.consumer.paused.isEmpty)
        try drive([probe], within: .seconds(10)) { probe.messages.count >= reports.count }
        try drive([probe], within: .milliseconds(300)) { false }  // duplicates would show up now
        #expect(probe.messages.count == reports.count)
        let resumedOffsets = probe.messages.filter { $0.partition == 0 }.map(\.offset)
        #expect(resumedOffsets == Array(0..<Int64(expectedPaused)), "in order, no gap, no duplicate")
        try probe.consumer.close()
    }

    @Test("records that slip past a lost pause are held back and returned in order after resume")
    func heldRecordsAfterLostPause() throws {
        // librdkafka 2.0.2 can lose a pause issued just after an assignment (the race is timing-dependent
        // and cannot be forced from outside), so drive the wrapper's hold-back path directly.
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:1"]))
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let records = (0..<3).map {
            KafkaMessage(topic: "t", partition: 0, offset: Int64(10 + $0), key: nil, value: [UInt8($0)])
        }
        consumer.pausedPartitions.insert(partition)
        records.forEach(consumer.hold)
        #expect(try consumer.position([partition]).first?.offset == 10)
        #expect(consumer.poll().allSatisfy { if case .message = $0 { false } else { true } })

        consumer.pausedPartitions.remove(partition)
        #expect(consumer.hasReleasableMessages)
        var released: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while released.count < 3, waitReadable([consumer.readinessDescriptor], until: deadline) {
            for case .message(let message) in consumer.poll(maxEvents: 1) { released.append(message) }
        }
        #expect(released == records)
        #expect(!consumer.hasReleasableMessages)
    }

    @Test("timer-driven polls keep an idle member in the group past max.poll.interval.ms")
    func idleConsumerStaysInGroup() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("quiet", partitions: 1)
        var configuration = TestConfiguration.consumer(cluster, group: "idlers")
        configuration.sessionTimeout = .seconds(3)
        configuration.maxPollInterval = .seconds(3)
        let probe = try ConsumerProbe(configuration, topics: ["quiet"])
        try drive([probe], within: .seconds(20)) { probe.assigned.count == 1 }
        #expect(probe.assigned.count == 1)
        #expect(probe.consumer.maximumPollInterval == .seconds(3))

        // The reactor's timer: poll every 500 ms whether or not the descriptor fired, for longer than the
        // maximum poll interval. Nothing is produced, so the descriptor alone would stay quiet.
        let idleUntil = ContinuousClock.now.advanced(by: .seconds(4))
        while ContinuousClock.now < idleUntil {
            _ = waitReadable([probe.consumer.readinessDescriptor], until: .now.advanced(by: .milliseconds(500)))
            for event in probe.consumer.poll() { try probe.handle(event) }
        }
        #expect(!probe.errors.contains { $0.code == .maxPollExceeded }, "\(probe.errors)")
        #expect(probe.revocations.isEmpty && probe.losses.isEmpty)
        #expect(try probe.consumer.assignment.count == 1)
        try probe.consumer.close()
    }

    @Test("dropping a consumer that was never closed does not block")
    func deinitWithoutClose() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("abandoned", partitions: 1)
        var probe: ConsumerProbe? = try ConsumerProbe(
            TestConfiguration.consumer(cluster, group: "abandoning"), topics: ["abandoned"])
        try drive([try #require(probe)], within: .seconds(20)) { probe?.assigned.count == 1 }
        #expect(probe?.assigned.count == 1)
        let start = ContinuousClock.now
        probe = nil
        #expect(ContinuousClock.now - start < .seconds(2), "deinit must not wait for the group")
    }
}
