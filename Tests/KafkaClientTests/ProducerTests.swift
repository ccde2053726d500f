import Testing

@testable import KafkaClient

@Suite("Producer against the mock cluster", .timeLimit(.minutes(2)))
struct ProducerTests {
    @Test("1000 keyed records with headers: every report OK with its token, keys partitioned by murmur2")
    func produceThousand() throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        try cluster.createTopic("orders", partitions: 6, replicationFactor: 3)
        let logs = LogRecorder()
        let producer = try KafkaProducer(configuration: TestConfiguration.producer(cluster), logHandler: logs.handler)

        let count = 1000
        for index in 0..<count {
            try producer.produce(
                topic: "orders",
                key: Array("execution-\(index % 50)".utf8),
                value: Array("payload-\(index)".utf8),
                headers: [KafkaHeader(name: "content-type", string: "application/json")],
                token: UInt64(index))
        }
        let reports = awaitReports(from: producer, count: count)
        #expect(reports.count == count, "\(logs.transcript)")
        #expect(Set(reports.map(\.token)) == Set((0..<count).map(UInt64.init)))
        for report in reports {
            #expect(report.error == nil, "token \(report.token): \(String(describing: report.error))")
            #expect(report.topic == "orders")
            #expect(report.offset != nil)
        }

        var partitionsByKey: [String: Set<Int32>] = [:]
        for report in reports {
            let key = "execution-\(Int(report.token) % 50)"
            partitionsByKey[key, default: []].insert(report.partition ?? -1)
        }
        for (key, partitions) in partitionsByKey {
            #expect(partitions.count == 1, "\(key) landed on \(partitions)")
            #expect(partitions.first == javaMurmur2Partition(Array(key.utf8), partitions: 6), "\(key)")
        }
        #expect(Set(partitionsByKey.values.compactMap(\.first)).count == 6)
        #expect(producer.outstandingCount == 0)
    }

    @Test("a full local queue is a retriable queueFull error, and flush delivers despite linger")
    func queueFull() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("small", partitions: 1)
        var configuration = TestConfiguration.producer(cluster)
        configuration.linger = .seconds(20)
        configuration.additionalProperties["queue.buffering.max.messages"] = "5"
        let producer = try KafkaProducer(configuration: configuration)

        for index in 0..<5 {
            try producer.produce(topic: "small", value: [UInt8(index)], token: UInt64(index))
        }
        let error = #expect(throws: KafkaError.self) {
            try producer.produce(topic: "small", value: [5], token: 5)
        }
        #expect(error?.code == .queueFull)
        #expect(error?.isRetriable == true)

        let start = ContinuousClock.now
        try producer.flush(timeout: .seconds(10))
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(waitReadable([producer.readinessDescriptor], until: .now.advanced(by: .seconds(1))))
        let reports = producer.poll()
        #expect(reports.map(\.token).sorted() == [0, 1, 2, 3, 4])
        #expect(reports.allSatisfy { $0.error == nil })
        try producer.produce(topic: "small", value: [5], token: 5)
        try producer.flush(timeout: .seconds(10))
        #expect(producer.poll().map(\.token) == [5])
    }
}

/// A null value (a tombstone) and an empty value are different records, both ways through the wrappers.
@Suite("Null and empty values", .timeLimit(.minutes(2)))
struct NullValueTests {
    @Test("a nil value is produced as null and consumed as null; an empty value stays empty, not null")
    func nullAndEmptyValues() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("compacted", partitions: 1)
        let producer = try KafkaProducer(configuration: TestConfiguration.producer(cluster))
        try producer.produce(topic: "compacted", key: Array("gone".utf8), value: nil, token: 1)
        try producer.produce(topic: "compacted", key: Array("empty".utf8), value: [], token: 2)
        try producer.produce(topic: "compacted", key: Array("full".utf8), value: Array("x".utf8), token: 3)
        #expect(awaitReports(from: producer, count: 3).allSatisfy { $0.error == nil })

        let consumer = try KafkaConsumer(configuration: TestConfiguration.consumer(cluster, group: "nulls"))
        try consumer.assignFromBeginning([KafkaTopicPartition(topic: "compacted", partition: 0)])
        let messages = receive(3, from: consumer, within: .seconds(20))
        try consumer.close()
        #expect(messages.map(\.valueIsNull) == [true, false, false])
        #expect(messages.map(\.value) == [[], [], Array("x".utf8)])
    }
}
