import Glibc
import Platform
import Testing

@testable import KafkaClient

/// `KafkaConsumer.close(within:)` returns by its deadline even when a librdkafka call it makes never returns
/// (librdkafka 2.0.2 was seen blocked in `rd_kafka_incremental_unassign` during a close; see
/// `KafkaConsumer+Close.swift`). The stall hook stands in for that call: it runs on the closing thread before any
/// librdkafka call and blocks until the test releases it.
@Suite("Consumer close bounded by its deadline", .timeLimit(.minutes(2)))
struct CloseTests {
    /// A gate the closing thread waits at until the test opens it.
    final class Gate: Sendable {
        private let open = Locked(false)
        func wait() { open.wait { $0 ? () : nil } }
        func release() {
            open.withLock { $0 = true }
            open.broadcast()
        }
    }

    /// An assigned member of a cooperative group, with `debug=cgrp` so that its close writes log lines.
    static func assignedConsumer(_ cluster: KafkaMockCluster, group: String) throws -> ConsumerProbe {
        try cluster.createTopic("jobs", partitions: 2, replicationFactor: 1)
        var configuration = TestConfiguration.consumer(cluster, group: group)
        configuration.partitionAssignmentStrategies = [.cooperativeSticky]
        configuration.additionalProperties["debug"] = "cgrp"
        let probe = try ConsumerProbe(configuration, topics: ["jobs"])
        #expect(try drive([probe], within: .seconds(30)) { probe.assigned.count == 2 })
        return probe
    }

    @Test("a close whose librdkafka call never returns gives up at its deadline and delivers no more log lines")
    func stalledCloseReturnsAtDeadline() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        var probe: ConsumerProbe? = try Self.assignedConsumer(cluster, group: "stalled")
        let gate = Gate()
        probe?.consumer.closeStallForTesting = { gate.wait() }
        weak let client = probe?.consumer.client
        let started = ContinuousClock.now
        #expect(try probe?.consumer.close(within: .milliseconds(300)) == false)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(300) && waited < .seconds(5), "returned after \(waited)")
        let logs = try #require(probe?.logs)
        let linesAtReturn = logs.lines.count
        #expect(try probe?.consumer.close(within: .seconds(1)) == true, "a second close does nothing")
        #expect(probe?.consumer.poll().isEmpty == true)
        // The consumer goes; the closing thread still holds the handle.
        probe = nil
        #expect(client != nil, "kept alive by the closing thread")
        // librdkafka "answers": the close goes on there, and the handle is destroyed when it ends.
        gate.release()
        let deadline = ContinuousClock.now + .seconds(30)
        while client != nil, ContinuousClock.now < deadline {
            usleep(20_000)
        }
        #expect(client == nil, "the handle is destroyed once the late close ends")
        #expect(logs.lines.count == linesAtReturn, "the late close's log lines were dropped")
    }

    @Test("a close that finishes in time returns true and leaves nothing running")
    func closeInTimeIsJoined() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        var probe: ConsumerProbe? = try Self.assignedConsumer(cluster, group: "in-time")
        let linesBefore = probe?.logs.lines.count ?? 0
        weak let client = probe?.consumer.client
        #expect(try probe?.consumer.close(within: .seconds(20)) == true)
        #expect((probe?.logs.lines.count ?? 0) > linesBefore, "the close's log lines reach the handler")
        probe = nil
        #expect(client == nil, "destroyed on the caller's thread when the consumer goes")
    }
}
