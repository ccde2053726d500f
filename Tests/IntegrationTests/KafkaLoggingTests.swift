import Glibc
import KafkaClient
import Testing

extension Integration {
    /// librdkafka's own log lines in the supervisor's log: one record each with its fields, and offset resets as
    /// warnings naming the offsets.
    @Suite struct KafkaLogging {
        @Test("an offset reset after OFFSET_OUT_OF_RANGE is a warning with the old and new offsets, as log fields")
        func offsetResetIsAWarning() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<3)
            // The group's committed offsets lie beyond every partition's end (e.g. the topic was recreated).
            var configuration = KafkaConsumerConfiguration(bootstrapServers: kafka.cluster.bootstrapServers)
            configuration.groupID = "k8s-worker"
            let committer = try KafkaConsumer(configuration: configuration)
            let partitions = (0..<6).map { KafkaTopicPartition(topic: "saga_commands", partition: Int32($0)) }
            try committer.assignFromBeginning(partitions)
            try committer.commitSync(
                partitions.map { KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: 1000) })
            try committer.close()

            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments())
            kafka.observe(for: 60) { $0.count { $0.topic == "pod_events" } >= 3 }
            #expect(Set(kafka.createdExecutionIDs()) == Set((0..<3).map(executionID)), "reset to earliest: read again")
            let resets = supervisor.log().split(separator: "\n").filter { $0.contains(#""kafka.facility":"OFFSET""#) }
            #expect(resets.count == 6, "one per partition, never rate-limited: \(supervisor.log().suffix(3000))")
            for line in resets {
                #expect(line.contains(#""level":"warning""#), "\(line)")
                #expect(line.contains("offset reset (at offset 1000"), "\(line)")
                #expect(line.contains("offset 0"), "\(line)")
                #expect(line.contains(#""kafka.client":"k8s-worker-"#), "\(line)")
            }
            #expect(!supervisor.log().contains("KafkaLogLine("), "no struct dumps")
            let start =
                supervisor.log().split(separator: "\n").first { $0.contains(#""msg":"k8s-worker starting""#) } ?? ""
            for field in [
                #""librdkafka":"2."#, #""librdkafka.features":"#, #""libcurl":""#, #""libcurl.ssl":"#,
                #""libcurl.http2":""#,
            ] {
                #expect(start.contains(field), "\(start)")
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
