import Events
import Glibc
import KafkaClient
import Testing

extension Integration {
    /// Several supervisors in one group, a supervisor killed, brokers failing.
    @Suite struct KafkaResilience {
        @Test(
            "two supervisors share the group without doing anything twice; SIGKILL one and the other redoes its unfinished work"
        )
        func twoSupervisorsAndATakeover() throws {
            let kafka = try KafkaHarness()
            let first = SupervisorProcess(config: Integration.config(workers: 2))
            let second = SupervisorProcess(config: Integration.config(workers: 2))
            // The first commits rarely, so that when it dies it leaves processed-but-uncommitted work behind.
            first.start(arguments: kafka.supervisorArguments(["kafka.commit_interval": "60s"]))
            second.start(arguments: kafka.supervisorArguments())
            #expect(
                first.notify.waitFor(30) { $0.fields["STATUS"]?.contains("kafka 3 partitions") == true } != nil,
                "first: \(first.log().suffix(1500))")
            #expect(
                second.notify.waitFor(30) { $0.fields["STATUS"]?.contains("kafka 3 partitions") == true } != nil,
                "second: \(second.log().suffix(1500))")

            try kafka.sendCreates(0..<120)
            kafka.observe(for: 60) { $0.count { $0.topic == "pod_events" } >= 120 }
            let steady = kafka.createdExecutionIDs()
            #expect(steady.count == 120, "steady state: every command once")
            #expect(Set(steady) == Set((0..<120).map(executionID)))

            first.signal(SIGKILL)
            #expect(first.waitForExit(within: 10) == 128 + SIGKILL)
            try kafka.sendCreates(120..<200)
            kafka.observe(for: 90) {
                Set(
                    $0.filter { $0.topic == "pod_events" }.compactMap {
                        try? PodCreatedEvent.decode($0.value, options: DecodingOptions()).executionID
                    }
                ).count >= 200
            }
            let all = kafka.createdExecutionIDs()
            #expect(Set(all) == Set((0..<200).map(executionID)), "nothing lost: \(second.log().suffix(1500))")
            // Duplicates (the first supervisor's uncommitted work, redone by the second) carry identical event ids.
            let created = kafka.observed(on: "pod_events").compactMap {
                try? PodCreatedEvent.decode($0.value, options: DecodingOptions())
            }
            for (id, events) in Dictionary(grouping: created, by: \.executionID) {
                #expect(Set(events.map(\.eventID)).count == 1, "\(id) republished with another event id")
            }
            second.signal(SIGTERM)
            #expect(second.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 200)
        }

        @Test("all brokers down and back, then leader changes: no restart, nothing lost, committed to the end")
        func brokerFaults() throws {
            let kafka = try KafkaHarness()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 2))
            // The session must outlive the outage plus librdkafka's reconnect backoff (up to 10 s by default):
            // a session lost after the brokers return would hand the partitions back uncommitted, which is
            // correct but is not what this test is about.
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.session_timeout": "30s"]))
            #expect(
                supervisor.notify.waitFor(30) { $0.fields["STATUS"]?.contains("kafka 6 partitions") == true } != nil)
            try kafka.sendCreates(0..<30)
            kafka.observe(for: 60) { $0.count { $0.topic == "pod_events" } >= 30 }

            // Outage, shorter than the session timeout: every broker down while more commands wait in the log.
            try kafka.sendCreates(30..<60)
            try kafka.cluster.setBrokerDown(nil)
            #expect(
                supervisor.notify.waitFor(5) { $0.fields["STATUS"]?.contains("kafka error") == true } != nil,
                "the outage shows in STATUS")
            #expect(TestSupport.isAlive(supervisor.pid))
            try kafka.cluster.setBrokerUp(nil)
            kafka.observe(for: 60) {
                Set(
                    $0.filter { $0.topic == "pod_events" }.compactMap {
                        try? PodCreatedEvent.decode($0.value, options: DecodingOptions()).executionID
                    }
                ).count >= 60
            }
            // Then a leader move for a partition the supervisor publishes to.
            try kafka.cluster.setPartitionLeader(topic: "pod_events", partition: 0, brokerID: 2)
            try kafka.sendCreates(60..<90)
            kafka.observe(for: 90) {
                Set(
                    $0.filter { $0.topic == "pod_events" }.compactMap {
                        try? PodCreatedEvent.decode($0.value, options: DecodingOptions()).executionID
                    }
                ).count >= 90
            }
            #expect(
                Set(kafka.createdExecutionIDs()) == Set((0..<90).map(executionID)),
                "log: \(supervisor.log().suffix(2000))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 90, "log: \(supervisor.log().suffix(3000))")
            #expect(!supervisor.log().contains("partitions lost"), "the session outlived the outage")
        }

        @Test(
            "the committed-offset fetch of a new assignment fails once: the supervisor asks again and consumes",
            arguments: ["cooperative-sticky", "roundrobin"])
        func offsetFetchFailureAtAssignment(strategy: String) throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<10)
            // The first OffsetFetch (the supervisor's, for its new assignment) fails at the request level, as it
            // does while the group coordinator moves.
            try kafka.cluster.pushRequestErrors([.coordinatorNotAvailable], for: .offsetFetch)
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.assignment_strategy": strategy]))
            kafka.observe(for: 30) { $0.count { $0.topic == "pod_events" } >= 10 }
            #expect(
                Set(kafka.createdExecutionIDs()) == Set((0..<10).map(executionID)),
                "log: \(supervisor.log().suffix(3000))")
            if strategy == "cooperative-sticky" {
                // A rejoin would hand back the same partitions without fetching anything, so the supervisor
                // reassigns them locally once their in-flight work is finished.
                #expect(supervisor.log().contains("reassigned the partitions to fetch their committed offsets again"))
                #expect(!supervisor.log().contains("rejoined the group"))
            } else {
                #expect(supervisor.log().contains("rejoined the group to fetch them again"))
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 10)
        }

        @Test("events whose delivery fails keep their command uncommitted and are re-published until delivered")
        func undeliverableEventsAreRetried() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<5)
            // The next produce requests (the supervisor's) fail with an error librdkafka does not retry itself but
            // that may clear (an unknown server error): librdkafka reports each record as failed, and the source
            // must publish it again itself.
            try kafka.cluster.pushRequestErrors(Array(repeating: .unknown, count: 4), for: .produce)
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.properties": "enable.idempotence=false"]))
            kafka.observe(for: 60) { $0.count { $0.topic == "pod_events" } >= 5 }
            #expect(
                Set(kafka.createdExecutionIDs()) == Set((0..<5).map(executionID)),
                "log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.log().contains("publish failed; will retry"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
            #expect(try kafka.committedTotal() == 5)
        }

        @Test("an event refused for good (not authorized) is dead-lettered in its place and its command committed")
        func permanentlyRefusedEvent() throws {
            let kafka = try KafkaHarness()
            try kafka.sendCreates(0..<1)
            // The supervisor's first produce request is refused as unauthorized; no retry could cure that.
            try kafka.cluster.pushRequestErrors([.topicAuthorizationFailed], for: .produce)
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.properties": "enable.idempotence=false"]))
            kafka.observe(for: 60) { $0.count { $0.topic == "saga_commands.dlq" } >= 1 }
            let dead = kafka.observed(on: "saga_commands.dlq")
            #expect(dead.count == 1, "log: \(supervisor.log().suffix(2000))")
            #expect(dead.first?.header("x-dlq-error-kind") == Array("unpublishable_event".utf8))
            #expect(dead.first?.header("x-dlq-source-offset") == Array("0".utf8))
            #expect(supervisor.log().contains("event refused by Kafka for good"))
            #expect(!supervisor.log().contains("publish failed; will retry"), "never retried")
            #expect(TestSupport.eventually(within: 20) { (try? kafka.committedTotal()) == 1 })
            let port = try #require(HTTPProbe.port(of: supervisor))
            #expect(
                HTTPProbe.get(port, "/metrics")?.body.contains("k8s_worker_kafka_publish_permanent_failures_total 1")
                    == true)
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
