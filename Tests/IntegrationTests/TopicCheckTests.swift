import Glibc
import KafkaClient
import Testing

extension Integration {
    /// A topic the layout needs and the cluster lacks is loud: `/readyz` says which, STATUS says it, a warning
    /// names the topic and the layout, and it clears when the topic appears — at the next metadata check.
    @Suite struct TopicMistakes {
        @Test("a missing command topic: not ready with the reason, then ready once it exists")
        func missingCommandTopic() throws {
            // Everything of the standard layout except the command topic.
            let kafka = try KafkaHarness(missing: ["saga_commands"])
            let supervisor = SupervisorProcess(
                config: Integration.config(workers: 1)
                    + "kafka:\n  properties:\n    topic.metadata.refresh.interval.ms: 1000\n")
            supervisor.start(arguments: kafka.supervisorArguments())
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            let reason = "not ready: kafka: command topic 'saga_commands' does not exist (kafka.layout: standard)\n"
            #expect(
                TestSupport.eventually(within: 15) { HTTPProbe.get(port, "/readyz")?.body == reason },
                "readyz: \(HTTPProbe.get(port, "/readyz")?.body ?? "none"); log: \(supervisor.log().suffix(2000))")
            #expect(HTTPProbe.get(port, "/readyz")?.status == 503)
            supervisor.notify.collect(for: 15) { _ in
                supervisor.lastStatus()?.contains("command topic 'saga_commands' does not exist") == true
            }
            #expect(
                supervisor.lastStatus()?.contains("command topic 'saga_commands' does not exist") == true,
                "status: \(supervisor.lastStatus() ?? "none")")
            let log = supervisor.log()
            #expect(log.contains("kafka topic problem: command topic 'saga_commands' does not exist"))
            #expect(log.contains("\"layout\":\"standard\""))
            let metrics = try MetricsEndpoint.scrape(port)
            #expect(metrics.value("k8s_worker_kafka_topic_problems") == 1)

            try kafka.create("saga_commands")
            // The member rejoins once its metadata shows the topic. When that races the group's first join, the mock
            // coordinator's timers run one after another: the sync it abandons times out after the session (6 s here)
            // and the next join is held for the session less a second (librdkafka's rdkafka_mock_cgrp.c; a broker
            // answers once every member has rejoined). CI at 073e3da saw more than 15 s; 45 s covers three of them.
            #expect(
                TestSupport.eventually(within: 45) { HTTPProbe.get(port, "/readyz")?.status == 200 },
                "readyz: \(HTTPProbe.get(port, "/readyz")?.body ?? "none"); log: \(supervisor.log().suffix(2000))")
            #expect(supervisor.log().contains("kafka topics of the layout are all present"))
            // And it works: a command sent now is handled.
            try kafka.sendCreates(0..<1)
            kafka.observe(for: 30) { messages in messages.contains { $0.topic == "pod_events" } }
            #expect(kafka.createdExecutionIDs() == [executionID(0)], "log: \(supervisor.log().suffix(2000))")
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }

        @Test("the per-event-type layout against a cluster set up for the standard one names every missing topic")
        func wrongLayout() throws {
            let perEventType = [
                "create_pod_command", "delete_pod_command", "pod_created", "execution_started",
                "execution_failed",
            ]
            let kafka = try KafkaHarness(missing: perEventType)
            let supervisor = SupervisorProcess(config: Integration.config(workers: 1))
            supervisor.start(arguments: kafka.supervisorArguments(["kafka.layout": "per-event-type"]))
            let port = try #require(HTTPProbe.port(of: supervisor), "log: \(supervisor.log().suffix(2000))")
            let expected =
                "not ready: kafka: command topic 'create_pod_command' does not exist (kafka.layout: per-event-type)"
                + " (and 4 more topic problems)\n"
            #expect(
                TestSupport.eventually(within: 15) { HTTPProbe.get(port, "/readyz")?.body == expected },
                "readyz: \(HTTPProbe.get(port, "/readyz")?.body ?? "none")")
            let log = supervisor.log()
            for topic in ["create_pod_command", "delete_pod_command"] {
                #expect(log.contains("kafka topic problem: command topic '\(topic)' does not exist"))
            }
            for topic in ["pod_created", "execution_started", "execution_failed"] {
                #expect(log.contains("kafka topic problem: event topic '\(topic)' does not exist"))
            }
            supervisor.signal(SIGTERM)
            #expect(supervisor.waitForExit(within: 30) == 0)
        }
    }
}
