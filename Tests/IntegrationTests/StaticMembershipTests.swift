import Glibc
import KafkaClient
import Testing

extension Integration {
    /// `kafka.group_instance_id` (static membership) and what happens when two supervisors share one.
    @Suite struct StaticMembership {
        @Test("a supervisor the broker fences (its identity taken by another) stops with 78 and says why")
        func fencedStopsWithExitStatus78() throws {
            let kafka = try KafkaHarness()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments())
            #expect(
                supervisor.notify.waitFor(30) { $0.fields["STATUS"]?.contains("kafka 6 partitions") == true } != nil,
                "\(supervisor.log().suffix(1500))")
            let identity = "itest-" + (supervisor.directory.split(separator: "/").last.map(String.init) ?? "")
            #expect(supervisor.log().contains(#""group_instance_id":"\#(identity)""#), "auto: from POD_NAME")
            let strategy =
                KafkaLibraryVersion.current.keepsCooperativeAssignmentOnCommitRace ? "cooperative-sticky" : "roundrobin"
            #expect(supervisor.log().contains(#""assignment_strategy":"\#(strategy)""#), "auto, for this librdkafka")
            // What the coordinator answers the older member once a newer one joined with its group.instance.id
            // (KIP-345); librdkafka's mock cluster keeps both members instead, so the answer is injected.
            try kafka.cluster.pushRequestErrors(Array(repeating: .fencedInstanceID, count: 5), for: .heartbeat)
            #expect(supervisor.waitForExit(within: 30) == 78, "\(supervisor.log().suffix(2000))")
            let log = supervisor.log()
            #expect(log.contains("two supervisors must never share an identity"))
            #expect(log.contains("group.instance.id \(identity)"))
            kafka.cluster.clearRequestErrors(for: .heartbeat)
        }

        @Test("kafka.group_instance_id none joins as a dynamic member; eager strategies draw a check-config warning")
        func dynamicMembershipAndEagerWarning() throws {
            let kafka = try KafkaHarness()
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(
                arguments: kafka.supervisorArguments([
                    "kafka.group_instance_id": "none", "kafka.assignment_strategy": "roundrobin",
                ]))
            #expect(
                supervisor.notify.waitFor(30) { $0.fields["STATUS"]?.contains("kafka 6 partitions") == true } != nil,
                "\(supervisor.log().suffix(1500))")
            let log = supervisor.log()
            #expect(log.contains(#""group_instance_id":"none (dynamic membership)""#))
            #expect(log.contains(#""assignment_strategy":"roundrobin""#))
            #expect(log.contains("kafka.assignment_strategy: roundrobin is eager"))
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
