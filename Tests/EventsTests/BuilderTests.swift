import Testing
@testable import Events

@Suite("Reply builders for what the worker publishes")
struct BuilderTests {
    private static let metadataJSON =
        #""metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"}"#

    private func command() throws -> CreatePodCommand {
        try CreatePodCommand.decode(Samples.bytes(Samples.createPodJSON))
    }

    @Test("pod_created reply: deterministic id, copied aggregate_id and metadata, exact bytes")
    func podCreated() throws {
        let command = try command()
        let at = try Timestamp(parsing: "2026-03-06T21:29:12.913472Z")
        let event = PodCreatedEvent(replyingTo: command, namespace: "integr8scode", timestamp: at)
        #expect(event.eventID == "1f74472b-fc00-5bd4-8f38-283e982e0836")
        #expect(event.metadata == command.metadata)
        #expect(event.aggregateID == command.aggregateID)
        let expected =
            #"{"event_id":"1f74472b-fc00-5bd4-8f38-283e982e0836","event_type":"pod_created","event_version":"1.0","timestamp":"2026-03-06T21:29:12.913472Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","#
            + Self.metadataJSON
            + #","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","pod_name":"executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","namespace":"integr8scode"}"#
        #expect(String(decoding: event.encoded(), as: UTF8.self) == expected)
        #expect(try PodCreatedEvent.decode(event.encoded()) == event)
    }

    @Test("execution_started reply: null node and container by default, exact bytes")
    func executionStarted() throws {
        let command = try command()
        let at = try Timestamp(parsing: "2026-03-06T21:29:13Z")
        let event = ExecutionStartedEvent(replyingTo: command, podName: command.podName, timestamp: at)
        #expect(event.eventID == "b09f88dd-d514-53e1-8337-2d851aacd6ad")
        let expected =
            #"{"event_id":"b09f88dd-d514-53e1-8337-2d851aacd6ad","event_type":"execution_started","event_version":"1.0","timestamp":"2026-03-06T21:29:13Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","#
            + Self.metadataJSON
            + #","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","pod_name":"executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","node_name":null,"container_id":null}"#
        #expect(String(decoding: event.encoded(), as: UTF8.self) == expected)
    }

    @Test("execution_failed reply: system_error, exit -1, empty stdout, null usage, exact bytes")
    func executionFailed() throws {
        let command = try command()
        let at = try Timestamp(parsing: "2026-03-06T21:29:12.702118Z")
        let event = ExecutionFailedEvent(
            replyingTo: command, stderr: "Failed to create pod: image not allowed\n", timestamp: at)
        #expect(
            event.errorType == .systemError && event.exitCode == -1 && event.stdout.isEmpty
                && event.resourceUsage == nil)
        let expected =
            #"{"event_id":"56cd9253-2c88-5dfc-86ff-811c8bfa1503","event_type":"execution_failed","event_version":"1.0","timestamp":"2026-03-06T21:29:12.702118Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","#
            + Self.metadataJSON
            + #","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","exit_code":-1,"error_type":"system_error","resource_usage":null,"stdout":"","stderr":"Failed to create pod: image not allowed\n"}"#
        #expect(String(decoding: event.encoded(), as: UTF8.self) == expected)
    }

    @Test("a redelivered command yields the same event ids; another saga yields different ones")
    func redelivery() throws {
        let bytes = Samples.bytes(Samples.createPodJSON)
        guard case .create(let first) = try InboundCommand.decode(bytes),
            case .create(let again) = try InboundCommand.decode(bytes)
        else {
            Issue.record("expected create commands")
            return
        }
        let t1 = try Timestamp(parsing: "2026-03-06T21:29:12Z")
        let t2 = try Timestamp(parsing: "2026-03-06T21:31:00Z")
        #expect(
            PodCreatedEvent(replyingTo: first, namespace: "ns", timestamp: t1).eventID
                == PodCreatedEvent(replyingTo: again, namespace: "ns", timestamp: t2).eventID)
        #expect(
            ExecutionFailedEvent(replyingTo: first, stderr: "a", timestamp: t1).eventID
                == ExecutionFailedEvent(replyingTo: again, stderr: "b", timestamp: t2).eventID)
        var otherSaga = first
        otherSaga.sagaID = "another-saga"
        #expect(
            PodCreatedEvent(replyingTo: otherSaga, namespace: "ns", timestamp: t1).eventID
                != PodCreatedEvent(replyingTo: first, namespace: "ns", timestamp: t1).eventID)
        let ids = Set([
            PodCreatedEvent(replyingTo: first, namespace: "ns", timestamp: t1).eventID,
            ExecutionStartedEvent(replyingTo: first, podName: first.podName, timestamp: t1).eventID,
            ExecutionFailedEvent(replyingTo: first, stderr: "", timestamp: t1).eventID,
        ])
        #expect(ids.count == 3)
    }

    @Test("a null aggregate_id on the command is copied as null")
    func nullAggregate() throws {
        var command = try command()
        command.aggregateID = nil
        let event = PodCreatedEvent(replyingTo: command, namespace: "ns", timestamp: .epoch)
        #expect(
            String(decoding: event.encoded(), as: UTF8.self).contains(
                #""timestamp":"1970-01-01T00:00:00Z","aggregate_id":null,"#))
    }
}
