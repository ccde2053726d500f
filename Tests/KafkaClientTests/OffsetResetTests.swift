import Testing

@testable import KafkaClient

/// What an offset reset looks like to the application: librdkafka 2.0.2 logs a warning of facility `OFFSET`
/// naming the old position and the new one, without any `debug` setting (the source logs it at warning level).
@Suite("Offset reset after OFFSET_OUT_OF_RANGE", .timeLimit(.minutes(2)))
struct OffsetResetTests {
    @Test func aCommittedOffsetBeyondTheLogEndIsResetWithAWarningNamingBothOffsets() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("reset", partitions: 1)
        _ = try ConsumerTests.produce(0..<5, to: "reset", on: cluster)
        let partition = KafkaTopicPartition(topic: "reset", partition: 0)

        // Another member of the group committed a position the log does not have (e.g. the topic was recreated).
        let committer = try KafkaConsumer(configuration: TestConfiguration.consumer(cluster, group: "g"))
        try committer.assignFromBeginning([partition])
        try committer.commitSync([KafkaTopicPartitionOffset(topic: "reset", partition: 0, offset: 1000)])
        try committer.close()

        let collected = LogRecorder()
        let consumer = try KafkaConsumer(
            configuration: TestConfiguration.consumer(cluster, group: "g"), logHandler: collected.handler)
        try consumer.subscribe(topics: ["reset"])
        let messages = receive(5, from: consumer, within: .seconds(30))
        try consumer.close()
        // auto.offset.reset=earliest: everything is read again from offset 0.
        #expect(messages.map(\.offset) == [0, 1, 2, 3, 4])
        let resets = collected.lines.filter { $0.facility == "OFFSET" }
        #expect(resets.count == 1, "\(collected.lines)")
        let reset = try #require(resets.first)
        #expect(reset.level == .warning)
        #expect(reset.message.contains("offset 1000"), "\(reset.message)")
        #expect(reset.message.contains("BEGINNING") || reset.message.contains("offset 0"), "\(reset.message)")
        #expect(reset.client.hasPrefix("test-g#consumer"), "\(reset.client)")
    }
}
