import Events
import Glibc
import KafkaClient
import Testing

extension Integration {
    /// Every kind of poison record ends in the dead-letter topic with its reason; the partition keeps flowing.
    @Suite struct KafkaPoison {
        @Test("each poison kind is dead-lettered with its kind; commands before and after it on the same partition run")
        func poisonKinds() throws {
            let kafka = try KafkaHarness()
            // One key, so every record lands on the same partition, interleaved with good commands.
            let key = "same-partition"
            let huge =
                Array(createTemplate.replacing("EXEC", with: executionID(900)).utf8)
                + Array(repeating: UInt8(ascii: " "), count: 9000)
            let poisons: [(kind: String, value: [UInt8], headers: [KafkaHeader])] = [
                ("undecodable", Array("{not json".utf8), []),
                ("undecodable", [0xC3, 0x28, 0xFF], []),
                ("unknown_event_type", Array(#"{"event_type":"execution_completed","execution_id":"x"}"#.utf8), []),
                (
                    "undecodable",
                    Array(
                        createTemplate.replacing(#""timeout_seconds":5"#, with: #""timeout_seconds":"soon""#).replacing(
                            "EXEC", with: executionID(901)
                        ).utf8), []
                ),
                ("invalid_execution_id", Array(createTemplate.replacing("EXEC", with: "../../etc/PASSWD").utf8), []),
                (
                    "content_type", Array(createTemplate.replacing("EXEC", with: executionID(902)).utf8),
                    [KafkaHeader(name: "content-type", string: "text/plain")]
                ),
                ("too_large", huge, []),
            ]
            var good = 0
            for (index, poison) in poisons.enumerated() {
                try kafka.send([(key, Array(createTemplate.replacing("EXEC", with: executionID(index)).utf8))])
                good += 1
                try kafka.send(
                    [(key, poison.value)],
                    headers: poison.headers.isEmpty
                        ? [KafkaHeader(name: "content-type", string: "application/json")] : poison.headers)
            }
            try kafka.send([(key, Array(createTemplate.replacing("EXEC", with: executionID(99)).utf8))])
            good += 1
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.max_record_bytes": "4096"]))
            kafka.observe(for: 60) { messages in
                messages.count { $0.topic == "pod_events" } >= good
                    && messages.count { $0.topic == "saga_commands.dlq" } >= poisons.count
            }
            let dead = kafka.observed(on: "saga_commands.dlq")
            #expect(dead.count == poisons.count, "log: \(supervisor.log().suffix(2000))")
            #expect(
                dead.map { String(decoding: $0.header("x-dlq-error-kind") ?? [], as: UTF8.self) } == poisons.map(\.kind)
            )
            #expect(dead.map(\.value) == poisons.map(\.value), "the original bytes are kept")
            #expect(
                dead.allSatisfy {
                    ($0.header("x-dlq-error")?.count ?? 0) > 0 && $0.header("x-dlq-source-offset") != nil
                })
            #expect(Set(kafka.createdExecutionIDs()) == Set((0..<poisons.count).map(executionID) + [executionID(99)]))
            #expect(!supervisor.log().contains("print('hello"), "scripts never reach the log")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == Int64(good + poisons.count))
        }

        @Test("a tombstone (null value) is dead-lettered as a tombstone, an empty value as an empty value")
        func tombstoneStaysNull() throws {
            let kafka = try KafkaHarness()
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(bootstrapServers: kafka.cluster.bootstrapServers))
            let headers = [KafkaHeader(name: "content-type", string: "application/json")]
            try producer.produce(
                topic: "saga_commands", key: Array("tombstone".utf8), value: nil, headers: headers, token: 1)
            try producer.produce(
                topic: "saga_commands", key: Array("empty".utf8), value: [], headers: headers, token: 2)
            try producer.flush(timeout: .seconds(30))
            #expect(producer.poll(maxEvents: 10).allSatisfy { $0.error == nil })
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments())
            kafka.observe(for: 60) { $0.count { $0.topic == "saga_commands.dlq" } >= 2 }
            let dead = kafka.observed(on: "saga_commands.dlq")
            let byKey = Dictionary(dead.map { (String(decoding: $0.key ?? [], as: UTF8.self), $0) }) { first, _ in first
            }
            #expect(byKey["tombstone"]?.valueIsNull == true, "log: \(supervisor.log().suffix(2000))")
            #expect(byKey["empty"]?.valueIsNull == false)
            #expect(dead.allSatisfy { $0.value.isEmpty && $0.header("x-dlq-error-kind") != nil })
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }

        @Test("per-event-type layout: upstream's topics; a command on the wrong topic is dead-lettered")
        func perEventTypeLayout() throws {
            let kafka = try KafkaHarness(
                topics: [
                    ("create_pod_command", 3), ("delete_pod_command", 3), ("pod_created", 3), ("execution_started", 3),
                    ("execution_failed", 3), ("saga_commands.dlq", 1),
                ],
                observe: ["pod_created", "execution_started", "saga_commands.dlq"])
            try kafka.send(
                (0..<5).map { (executionID($0), Array(createTemplate.replacing("EXEC", with: executionID($0)).utf8)) },
                topic: "create_pod_command")
            try kafka.send(
                [(executionID(7), Array(createTemplate.replacing("EXEC", with: executionID(7)).utf8))],
                topic: "delete_pod_command")
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.layout": "per-event-type"]))
            kafka.observe(for: 60) { $0.count >= 11 }
            #expect(kafka.observed(on: "pod_created").count == 5)
            #expect(kafka.observed(on: "execution_started").count == 5)
            let dead = kafka.observed(on: "saga_commands.dlq")
            #expect(dead.count == 1)
            #expect(dead.first?.header("x-dlq-error-kind") == Array("topic_mismatch".utf8))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
