import Events
import Glibc
import KafkaClient
import Testing

/// The §2.11 create command; execution ids are substituted per test command.
private let createTemplate =
    #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#
private let deleteTemplate =
    #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"EXEC","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"EXEC","reason":"Saga compensation due to failure","pod_name":null,"namespace":null}"#
private let sagaID = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"

private func executionID(_ index: Int) -> String {
    let digits = String(index)
    return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
}

/// Polls `consumer` until `done` holds or `seconds` pass, waiting on its readiness descriptor.
private func consume(_ consumer: KafkaConsumer, for seconds: Double, until done: ([KafkaMessage]) -> Bool) -> [KafkaMessage] {
    var messages: [KafkaMessage] = []
    let deadline = TestSupport.monotonicSeconds() + seconds
    while TestSupport.monotonicSeconds() < deadline, !done(messages) {
        var entry = pollfd(fd: consumer.readinessDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, 100)
        for event in consumer.poll(maxEvents: 500) {
            if case .message(let message) = event { messages.append(message) }
        }
    }
    return messages
}

extension Integration {
    /// The supervisor against librdkafka's mock cluster: commands in, events out, offsets committed.
    @Suite struct KafkaFlow {
        @Test("creates → pod_created + execution_started once each; deletes publish nothing; poison → DLQ; offsets committed to the end")
        func commandsBecomeEvents() throws {
            let cluster = try KafkaMockCluster(brokers: 3)
            for (topic, partitions) in [("saga_commands", 6), ("pod_events", 3), ("execution_events", 3), ("saga_commands.dlq", 1)] {
                try cluster.createTopic(topic, partitions: partitions)
            }
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: cluster.bootstrapServers))
            var records: [(key: String, value: String)] = (0..<40).map {
                (executionID($0), createTemplate.replacing("EXEC", with: executionID($0)))
            }
            // Deletes after the creates of the same keys: per-key order must hold.
            records += (0..<10).map { (executionID($0), deleteTemplate.replacing("EXEC", with: executionID($0))) }
            records.append(("poison", "{this is not json"))
            records.append(("ghost", #"{"event_type":"pod_created"}"#))
            for (index, record) in records.enumerated() {
                try producer.produce(
                    topic: "saga_commands", key: Array(record.key.utf8), value: Array(record.value.utf8),
                    headers: [KafkaHeader(name: "content-type", string: "application/json")], token: UInt64(index))
            }
            try producer.flush(timeout: .seconds(10))
            #expect(producer.poll(maxEvents: 1000).allSatisfy { $0.error == nil })

            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 4))
            supervisor.start(arguments: [
                "--set", "source.kind=kafka", "--set", "kafka.bootstrap_servers=\(cluster.bootstrapServers.joined(separator: ","))",
                "--set", "workers.handler=stub", "--set", "kafka.commit_interval=200ms",
            ])
            var observerConfiguration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers)
            observerConfiguration.groupID = "observer-\(getpid())"
            let observer = try KafkaConsumer(configuration: observerConfiguration)
            try observer.subscribe(topics: ["pod_events", "execution_events", "saga_commands.dlq"])
            let messages = consume(observer, for: 60) { $0.count >= 40 * 2 + 2 }
            #expect(messages.count == 82, "log: \(supervisor.log().suffix(3000))")

            let byTopic = Dictionary(grouping: messages, by: \.topic)
            let created = try (byTopic["pod_events"] ?? []).map { try PodCreatedEvent.decode($0.value, options: DecodingOptions()) }
            let started = try (byTopic["execution_events"] ?? []).map { try ExecutionStartedEvent.decode($0.value, options: DecodingOptions()) }
            #expect(Set(created.map(\.executionID)) == Set((0..<40).map(executionID)))
            #expect(created.count == 40)
            #expect(Set(started.map(\.executionID)) == Set((0..<40).map(executionID)))
            #expect(started.count == 40)
            #expect(created.allSatisfy { $0.eventID == EventID.derive(executionID: $0.executionID, sagaID: sagaID, eventType: .podCreated) })
            #expect((byTopic["pod_events"] ?? []).allSatisfy { String(decoding: $0.key ?? [], as: UTF8.self) == (try? PodCreatedEvent.decode($0.value, options: DecodingOptions()).executionID) })
            let dead = byTopic["saga_commands.dlq"] ?? []
            #expect(Set(dead.map { String(decoding: $0.key ?? [], as: UTF8.self) }) == ["poison", "ghost"])
            #expect(dead.allSatisfy { $0.header("x-dlq-error") != nil && $0.header("x-dlq-source-topic") == Array("saga_commands".utf8) })

            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            // The group committed every partition to its end: nothing is consumed twice after a restart.
            var groupConfiguration = KafkaConsumerConfiguration(bootstrapServers: cluster.bootstrapServers)
            groupConfiguration.groupID = "k8s-worker"
            let inspector = try KafkaConsumer(configuration: groupConfiguration)
            let committed = try inspector.committed((0..<6).map { KafkaTopicPartition(topic: "saga_commands", partition: Int32($0)) }, timeout: .seconds(10))
            #expect(committed.compactMap(\.offset).reduce(0, +) == Int64(records.count), "committed: \(committed)")
        }
    }
}
