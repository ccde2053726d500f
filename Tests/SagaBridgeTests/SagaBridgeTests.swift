import Events
import IPC
import Testing

@testable import SagaBridge

/// The docs/upstream-contract.md §3.7 `create_pod_command`, byte for byte.
let createCommand = Array(
    #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#
        .utf8)
let deleteCommand = Array(
    #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","reason":"Saga compensation due to failure","pod_name":null,"namespace":null}"#
        .utf8)
let executionID = "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"
let now = Timestamp(secondsSinceEpoch: 1_772_832_553, microsecond: 250_004)!

func consumed(
    _ value: [UInt8], topic: String = "saga_commands", headers: [OutgoingRecord.Header] = []
) -> ConsumedRecord {
    ConsumedRecord(topic: topic, partition: 2, offset: 41, key: Array(executionID.utf8), value: value, headers: headers)
}

func text(_ bytes: [UInt8]?) -> String { String(decoding: bytes ?? [], as: UTF8.self) }

@Suite("Triage: command or dead letter")
struct TriageTests {
    let triage = CommandTriage(layout: .standard, maxRecordBytes: 1 << 20)

    @Test("both command kinds decode on the standard topic")
    func commandsDecode() throws {
        guard case .command(.create(let create)) = triage.triage(consumed(createCommand), now: now) else {
            Issue.record("create not recognised")
            return
        }
        #expect(create.executionID == executionID)
        guard case .command(.delete) = triage.triage(consumed(deleteCommand), now: now) else {
            Issue.record("delete not recognised")
            return
        }
    }

    @Test(
        "poison records are dead-lettered with a kind",
        arguments: [
            (Array("{not json".utf8), "undecodable"),
            (Array(#"{"event_type":"pod_created"}"#.utf8), "unknown_event_type"),
            (Array(#"{"no_type":1}"#.utf8), "unknown_event_type"),
            ([0xFF, 0xFE, 0x00], "undecodable"),
            (Array(createCommand.dropLast(40)), "undecodable"),
        ])
    func poison(value: [UInt8], kind: String) {
        guard case .deadLetter(let got, let reason) = triage.triage(consumed(value), now: now) else {
            Issue.record("accepted poison")
            return
        }
        #expect(got == kind)
        #expect(!reason.isEmpty && reason.count < 260)
    }

    /// A command's age, and so its expiry (`workers.max_command_age`), counts from its `timestamp`: one that cannot
    /// be read is dead-lettered under its own kind, with the field named. A missing one reads as now (upstream's
    /// default), as before.
    @Test(
        "a timestamp that cannot be read is dead-lettered as invalid_timestamp",
        arguments: [#""yesterday""#, #""2026-13-45T99:00:00Z""#, "true", "{}", #""""#])
    func unreadableTimestamp(value: String) {
        let record = String(decoding: createCommand, as: UTF8.self)
            .replacing(#""timestamp":"2026-03-06T21:29:12.481337Z""#, with: #""timestamp":"# + value)
        guard case .deadLetter(let kind, let reason) = triage.triage(consumed(Array(record.utf8)), now: now) else {
            Issue.record("accepted a command with timestamp \(value)")
            return
        }
        #expect(kind == "invalid_timestamp")
        #expect(reason.contains("timestamp"), "\(reason)")
        let missing = String(decoding: createCommand, as: UTF8.self)
            .replacing(#""timestamp":"2026-03-06T21:29:12.481337Z","#, with: "")
        guard case .command(let command) = triage.triage(consumed(Array(missing.utf8)), now: now) else {
            Issue.record("a missing timestamp must read as now")
            return
        }
        #expect(command.timestamp == now)
    }

    @Test("an oversized record is refused before parsing")
    func oversized() {
        let small = CommandTriage(layout: .standard, maxRecordBytes: 100)
        #expect(
            small.triage(consumed(createCommand), now: now)
                == .deadLetter(kind: "too_large", reason: "record of \(createCommand.count) bytes exceeds 100"))
    }

    @Test("a non-JSON content-type is refused; a missing one is accepted")
    func contentType() {
        let plain = consumed(createCommand, headers: [.init("content-type", "text/plain")])
        guard case .deadLetter(let kind, _) = triage.triage(plain, now: now) else {
            Issue.record("accepted text/plain")
            return
        }
        #expect(kind == "content_type")
        let json = consumed(createCommand, headers: [.init("content-type", "application/json; charset=utf-8")])
        guard case .command = triage.triage(json, now: now) else {
            Issue.record("refused application/json with parameters")
            return
        }
    }

    @Test("per-event-type layout: the body's event_type must match the topic")
    func topicMismatch() {
        let upstream = CommandTriage(layout: .perEventType)
        guard case .command = upstream.triage(consumed(createCommand, topic: "create_pod_command"), now: now) else {
            Issue.record("refused a matching topic")
            return
        }
        guard
            case .deadLetter(let kind, _) = upstream.triage(
                consumed(createCommand, topic: "delete_pod_command"), now: now)
        else {
            Issue.record("accepted a create on the delete topic")
            return
        }
        #expect(kind == "topic_mismatch")
    }

    @Test(
        "execution ids that cannot name pods are refused",
        arguments: [
            "", "UPPER", "a/b", "..", "has space", "tab\there", "-leading", "trailing-",
            String(repeating: "a", count: 55),
            "ctl\u{7}",
        ])
    func badExecutionIDs(id: String) {
        #expect(CommandTriage.executionIDProblem(id) != nil)
    }

    @Test("good execution ids pass", arguments: [executionID, "a", String(repeating: "a", count: 54), "0-0"])
    func goodExecutionIDs(id: String) {
        #expect(CommandTriage.executionIDProblem(id) == nil)
    }
}

@Suite("Events published for outcomes")
struct OutcomeEventsTests {
    let create: InboundCommand = {
        guard case .command(let command) = CommandTriage(layout: .standard).triage(consumed(createCommand), now: now)
        else {
            fatalError("fixture does not decode")
        }
        return command
    }()

    @Test("created → pod_created then execution_started, keyed by execution id, to the layout's topics")
    func created() throws {
        let plan = OutcomeEvents.plan(
            for: create, outcome: .created(podName: "executor-\(executionID)", namespace: "integr8scode", uid: "u-1"),
            layout: .standard, now: now, trace: nil)
        #expect(plan.anomaly == nil)
        #expect(plan.records.map(\.topic) == ["pod_events", "execution_events"])
        #expect(plan.records.allSatisfy { text($0.key) == executionID })
        #expect(plan.records.allSatisfy { text($0.header("content-type")) == "application/json" })
        #expect(plan.records.allSatisfy { $0.header("traceparent") == nil })
        let podCreated = try PodCreatedEvent.decode(plan.records[0].value, options: DecodingOptions())
        #expect(podCreated.namespace == "integr8scode")
        #expect(podCreated.podName == "executor-\(executionID)")
        #expect(
            podCreated.eventID
                == EventID.derive(
                    executionID: executionID, sagaID: "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", eventType: .podCreated))
        let started = try ExecutionStartedEvent.decode(plan.records[1].value, options: DecodingOptions())
        #expect(started.podName == "executor-\(executionID)")
    }

    @Test("the same outcome twice gives identical bytes (redelivery republishes the same events)")
    func deterministic() {
        let outcome = CommandOutcome.created(podName: "executor-\(executionID)", namespace: "ns", uid: "u")
        let trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let first = OutcomeEvents.plan(for: create, outcome: outcome, layout: .standard, now: now, trace: trace)
        let second = OutcomeEvents.plan(for: create, outcome: outcome, layout: .standard, now: now, trace: trace)
        #expect(first == second)
    }

    @Test("failed → execution_failed: system_error, exit -1, the short reason as stderr")
    func failed() throws {
        let plan = OutcomeEvents.plan(
            for: create, outcome: .failed(reason: "image not allowed"), layout: .perEventType, now: now, trace: nil)
        #expect(plan.records.map(\.topic) == ["execution_failed"])
        let event = try ExecutionFailedEvent.decode(plan.records[0].value, options: DecodingOptions())
        #expect(event.exitCode == -1)
        #expect(event.errorType == .systemError)
        #expect(event.stderr == "image not allowed")
        #expect(event.stdout == "")
    }

    @Test("the traceparent continues the command's trace with a derived span")
    func traceContinues() throws {
        let trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        let plan = OutcomeEvents.plan(
            for: create, outcome: .failed(reason: "x"), layout: .standard, now: now, trace: trace)
        let header = try #require(plan.records.first.map { text($0.header("traceparent")) })
        let parsed = try #require(TraceParent(header: header))
        #expect(parsed.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(parsed.spanID != "b7ad6b7169203331")
        #expect(parsed.flags == "01")
        // A malformed parent is ignored rather than propagated.
        let bad = OutcomeEvents.plan(
            for: create, outcome: .failed(reason: "x"), layout: .standard, now: now, trace: "garbage")
        #expect(bad.records.first?.header("traceparent") == nil)
    }

    @Test("a delete publishes nothing; mismatched outcomes are flagged")
    func deleteAndAnomalies() {
        guard case .command(let delete) = CommandTriage(layout: .standard).triage(consumed(deleteCommand), now: now)
        else {
            Issue.record("delete fixture does not decode")
            return
        }
        #expect(
            OutcomeEvents.plan(
                for: delete, outcome: .deleted(podName: "p", namespace: "n"), layout: .standard, now: now, trace: nil
            ).records.isEmpty)
        #expect(
            OutcomeEvents.plan(for: delete, outcome: .failed(reason: "403"), layout: .standard, now: now, trace: nil)
                .anomaly != nil)
        let odd = OutcomeEvents.plan(for: create, outcome: .completed, layout: .standard, now: now, trace: nil)
        #expect(odd.anomaly != nil)
        #expect(odd.records.map(\.topic) == ["execution_events"])
    }
}

@Suite("Dead-letter records and trace context")
struct DeadLetterTests {
    @Test("the dead letter keeps key, value and headers and adds why and where")
    func deadLetterHeaders() {
        let original = consumed(Array("{bad".utf8), headers: [.init("traceparent", "x"), .init("empty", nil)])
        let record = DeadLetter.record(
            for: original, kind: "undecodable", reason: "bad JSON", topic: "saga_commands.dlq", maxBytes: 1_000_000)
        #expect(record.topic == "saga_commands.dlq")
        #expect(record.key == original.key)
        #expect(record.value == original.value)
        #expect(Array(record.headers.prefix(2)) == original.headers)
        #expect(text(record.header("x-dlq-error")) == "bad JSON")
        #expect(text(record.header("x-dlq-error-kind")) == "undecodable")
        #expect(text(record.header("x-dlq-source-topic")) == "saga_commands")
        #expect(text(record.header("x-dlq-source-partition")) == "2")
        #expect(text(record.header("x-dlq-source-offset")) == "41")
    }

    @Test(
        "traceparent parsing follows W3C rules",
        arguments: [
            ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", true),
            ("00-00000000000000000000000000000000-b7ad6b7169203331-01", false),
            ("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", false),
            ("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false),
            ("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", false),
            ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", false),
            ("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", true),
            ("", false),
        ])
    func parse(header: String, valid: Bool) {
        #expect((TraceParent(header: header) != nil) == valid)
    }
}
