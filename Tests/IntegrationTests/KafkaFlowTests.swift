import Events
import Glibc
import KafkaClient
import Testing

extension Integration {
    /// The supervisor against librdkafka's mock cluster: commands in, events out, offsets committed.
    @Suite struct KafkaFlow {
        @Test(
            "creates → pod_created + execution_started once each; deletes publish nothing; poison → DLQ; offsets committed to the end"
        )
        func commandsBecomeEvents() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<40)
            try kafka.send(
                (0..<10).map { (executionID($0), Array(deleteTemplate.replacing("EXEC", with: executionID($0)).utf8)) })
            try kafka.send([
                ("poison", Array("{this is not json".utf8)), ("ghost", Array(#"{"event_type":"pod_created"}"#.utf8)),
            ])
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2, concurrency: 4))
            supervisor.start(arguments: kafka.supervisorArguments())
            let messages = kafka.observe(for: 60) { $0.count >= 40 * 2 + 2 }
            #expect(messages.count == 82, "log: \(supervisor.log().suffix(3000))")

            let created = try kafka.observed(on: "pod_events").map {
                try PodCreatedEvent.decode($0.value, options: DecodingOptions())
            }
            let started = try kafka.observed(on: "execution_events").map {
                try ExecutionStartedEvent.decode($0.value, options: DecodingOptions())
            }
            #expect(created.count == 40 && Set(created.map(\.executionID)) == Set((0..<40).map(executionID)))
            #expect(started.count == 40 && Set(started.map(\.executionID)) == Set((0..<40).map(executionID)))
            #expect(
                created.allSatisfy {
                    $0.eventID == EventID.derive(executionID: $0.executionID, sagaID: sagaID, eventType: .podCreated)
                })
            #expect(
                kafka.observed(on: "pod_events").allSatisfy { message in
                    String(decoding: message.key ?? [], as: UTF8.self)
                        == (try? PodCreatedEvent.decode(message.value, options: DecodingOptions()).executionID)
                })
            let dead = kafka.observed(on: "saga_commands.dlq")
            #expect(Set(dead.map { String(decoding: $0.key ?? [], as: UTF8.self) }) == ["poison", "ghost"])
            #expect(
                dead.allSatisfy {
                    $0.header("x-dlq-error") != nil && $0.header("x-dlq-source-topic") == Array("saga_commands".utf8)
                })

            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            // The group committed every partition to its end: nothing is consumed twice after a restart.
            #expect(try kafka.committedTotal() == 52)
        }

        @Test("a full buffer pauses the partitions instead of growing; everything still flows, once")
        func backpressurePauses() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<300)
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1, concurrency: 1))
            supervisor.start(
                arguments: kafka.supervisorArguments(["kafka.max_buffered": "8", "dispatch.max_in_flight": "2"]))
            #expect(
                supervisor.notify.waitFor(30) { $0.fields["STATUS"]?.contains("paused") == true } != nil,
                "log: \(supervisor.log().suffix(1500))")
            kafka.observe(for: 90) { $0.count { $0.topic == "pod_events" } >= 300 }
            let created = kafka.createdExecutionIDs()
            #expect(created.count == 300 && Set(created) == Set((0..<300).map(executionID)))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 300)
        }
    }
}
