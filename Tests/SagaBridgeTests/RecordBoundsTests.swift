import Events
import IPC
import Testing

@testable import SagaBridge

/// Every record the supervisor produces fits the producer's `message.max.bytes`: dead letters are cut to fit,
/// and commands whose echoed fields could not fit in an event are refused before any Pod exists.
@Suite("Record bounds: dead letters and echoed fields")
struct RecordBoundsTests {
    static let limit = 20_000

    func letter(value: Int, key: Int = 36, headerBytes: Int = 0, limit: Int = limit) -> (ConsumedRecord, OutgoingRecord)
    {
        var headers: [OutgoingRecord.Header] = [.init("traceparent", "x")]
        if headerBytes > 0 { headers.append(.init("big", [UInt8](repeating: 0x68, count: headerBytes))) }
        let original = ConsumedRecord(
            topic: "saga_commands", partition: 0, offset: 7, key: [UInt8](repeating: 0x6B, count: key),
            value: (0..<value).map { UInt8(truncatingIfNeeded: $0 &* 31) }, headers: headers)
        return (
            original,
            DeadLetter.record(for: original, kind: "undecodable", reason: "bad", topic: "dlq", maxBytes: limit)
        )
    }

    /// The value length at which the whole dead letter is exactly `limit` bytes on the wire.
    func valueFillingLimit() -> Int {
        let (_, empty) = letter(value: 0)
        // The decimal length of the value size header grows with the value; search the exact fit.
        var value = Self.limit - empty.wireSize
        while letter(value: value, limit: .max).1.wireSize > Self.limit { value -= 1 }
        return value
    }

    @Test("a dead letter that fits is the whole record plus its size and digest")
    func wholeWhenItFits() {
        let (original, record) = letter(value: 100)
        #expect(record.value == original.value)
        #expect(record.key == original.key)
        #expect(Array(record.headers.prefix(1)) == original.headers)
        #expect(text(record.header(RecordHeaders.dlqValueBytes)) == "100")
        #expect(text(record.header(RecordHeaders.dlqValueSHA256)) == SHA256.hash(original.value).hex)
        #expect(record.header(RecordHeaders.dlqTruncated) == nil)
    }

    @Test("exactly at the limit: whole; one byte over: cut to a prefix that fits")
    func boundary() {
        let exact = valueFillingLimit()
        let (original, atLimit) = letter(value: exact)
        #expect(atLimit.wireSize == Self.limit)
        #expect(atLimit.value.count == original.value.count)
        #expect(atLimit.header(RecordHeaders.dlqTruncated) == nil)
        let (_, under) = letter(value: exact - 1)
        #expect(under.header(RecordHeaders.dlqTruncated) == nil)

        let (bigger, over) = letter(value: exact + 1)
        #expect(over.wireSize <= Self.limit)
        #expect(text(over.header(RecordHeaders.dlqTruncated)) == "value")
        #expect(Array(bigger.value.prefix(over.value.count)) == over.value, "a prefix")
        #expect(over.value.count < bigger.value.count)
        #expect(over.value.count > Self.limit / 2, "the prefix keeps most of what fits")
        #expect(text(over.header(RecordHeaders.dlqValueBytes)) == String(exact + 1))
        #expect(text(over.header(RecordHeaders.dlqValueSHA256)) == SHA256.hash(bigger.value).hex)
        #expect(over.header("traceparent") != nil, "the original headers stay while they fit")
    }

    @Test("a value of megabytes is cut to fit")
    func megabytes() {
        let (_, record) = letter(value: 2 << 20)
        #expect(record.wireSize <= Self.limit)
        #expect(text(record.header(RecordHeaders.dlqTruncated)) == "value")
    }

    @Test("headers too large to keep are dropped, a key too large is cut, and the rest still fits")
    func headersAndKey() {
        let (_, noHeaders) = letter(value: 10, headerBytes: 50_000)
        #expect(noHeaders.wireSize <= Self.limit)
        #expect(text(noHeaders.header(RecordHeaders.dlqTruncated)) == "headers")
        #expect(noHeaders.header("big") == nil)
        #expect(noHeaders.value.count == 10)

        let (original, cutKey) = letter(value: 10, key: 50_000, headerBytes: 50_000)
        #expect(cutKey.wireSize <= Self.limit)
        #expect(text(cutKey.header(RecordHeaders.dlqTruncated)) == "value,headers,key")
        #expect(cutKey.key.map { Array(original.key!.prefix($0.count)) == $0 } == true)
        #expect(text(cutKey.header(RecordHeaders.dlqError)) == "bad")
    }

    @Test("an event the brokers refused becomes a bounded dead letter naming the command it answers")
    func unpublishableEvent() {
        let event = OutgoingRecord(
            topic: "pod_events", key: Array("e1".utf8), value: [UInt8](repeating: 0x7B, count: 30_000),
            headers: [.init("content-type", "application/json")])
        let record = DeadLetter.unpublishable(
            event, answering: ("saga_commands", 3, 99), error: "MSG_SIZE_TOO_LARGE", topic: "dlq", maxBytes: Self.limit)
        #expect(record.topic == "dlq")
        #expect(record.wireSize <= Self.limit)
        #expect(text(record.header(RecordHeaders.dlqErrorKind)) == "unpublishable_event")
        #expect(text(record.header(RecordHeaders.dlqEventTopic)) == "pod_events")
        #expect(text(record.header(RecordHeaders.dlqSourceOffset)) == "99")
        #expect(text(record.header(RecordHeaders.dlqSourcePartition)) == "3")
        #expect(text(record.header(RecordHeaders.dlqError)).contains("MSG_SIZE_TOO_LARGE"))
    }

    /// A create command whose `field` is replaced by a string of `length` bytes.
    func command(_ field: String, length: Int) -> [UInt8] {
        let long = String(repeating: "u", count: length)
        let original = String(decoding: createCommand, as: UTF8.self)
        let replaced: String
        switch field {
        case "user_id": replaced = original.replacing("7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", with: long)
        case "saga_id": replaced = original.replacing("c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", with: long)
        default: replaced = original.replacing("saga-orchestrator", with: long)
        }
        return Array(replaced.utf8)
    }

    @Test(
        "echoed fields: at the bound and one under pass, one over is refused with the field named",
        arguments: ["user_id", "saga_id", "service_name"])
    func echoedFields(field: String) {
        let triage = CommandTriage(layout: .standard, maxRecordBytes: 4 << 20)
        let bound = CommandTriage.maxEchoedFieldBytes
        for length in [bound - 1, bound] {
            guard case .command = triage.triage(consumed(command(field, length: length)), now: now) else {
                Issue.record("\(field) of \(length) bytes refused")
                return
            }
        }
        guard
            case .deadLetter(let kind, let reason) = triage.triage(
                consumed(command(field, length: bound + 1)), now: now)
        else {
            Issue.record("\(field) of \(bound + 1) bytes accepted")
            return
        }
        #expect(kind == "field_too_large")
        #expect(reason.contains(field) && reason.contains("\(bound + 1) bytes"))
        // Two megabytes, as reported: refused the same way, before any Pod could be created.
        guard
            case .deadLetter("field_too_large", _) = triage.triage(consumed(command(field, length: 2 << 20)), now: now)
        else {
            Issue.record("\(field) of 2 MiB accepted")
            return
        }
    }

    @Test("every event of the largest acceptable command fits the default producer limit with room to spare")
    func largestEventFits() throws {
        let bound = CommandTriage.maxEchoedFieldBytes
        // Worst case for JSON: every echoed character escaped as \u00XX.
        let control = String(repeating: "\u{01}", count: bound)
        var text = String(decoding: createCommand, as: UTF8.self)
        for original in [
            "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", "saga-orchestrator",
            "1.0.0",
        ] {
            text = text.replacing(
                "\"\(original)\"", with: "\"\(control.unicodeScalars.map { _ in "\\u0001" }.joined())\"")
        }
        let triage = CommandTriage(layout: .standard, maxRecordBytes: 4 << 20)
        guard case .command(let command) = triage.triage(consumed(Array(text.utf8)), now: now) else {
            Issue.record("the largest acceptable command was refused")
            return
        }
        for outcome: CommandOutcome in [
            .created(podName: "executor-x", namespace: "ns", uid: "u"),
            .failed(reason: String(repeating: "r", count: 300)),
        ] {
            for record in OutcomeEvents.plan(for: command, outcome: outcome, layout: .standard, now: now, trace: nil)
                .records
            {
                #expect(record.wireSize < 64 << 10)
            }
        }
    }
}
