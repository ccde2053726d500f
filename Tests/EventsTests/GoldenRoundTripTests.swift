import Testing
@testable import Events

/// Every line of upstream's golden fixture decodes and re-encodes to the identical bytes.
@Suite("Golden fixtures round-trip byte for byte")
struct GoldenRoundTripTests {
    struct Record {
        let eventType: String
        let key: String
        let value: [UInt8]
    }

    /// Reads the JSONL fixture with our own parser. Fails (never skips) when it is missing.
    static func records() throws -> [Record] {
        let contents = try FixtureFile.upstreamEncoded()
        var records: [Record] = []
        for line in contents.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let object = try #require(try JSONParser().parse(Array(line)).objectValue)
            records.append(
                Record(
                    eventType: try #require(object["event_type"]?.stringValue),
                    key: try #require(object["key"]?.stringValue),
                    value: Array(try #require(object["value"]?.stringValue).utf8)))
        }
        return records
    }

    @Test("fixture has the documented 22 records")
    func fixtureShape() throws {
        let records = try Self.records()
        #expect(records.count == 22)
        #expect(records.filter { $0.eventType == "create_pod_command" }.count == 18)
        #expect(Set(records.map(\.eventType)) == Set(AnyEvent.eventTypes.map(\.rawValue)))
    }

    @Test("the goldens are byte for byte the ones recorded from upstream's encoder (pinned SHA-256)")
    func goldensArePinned() throws {
        #expect(SHA256.hash(try FixtureFile.upstreamEncoded()).hex == FixtureFile.sha256)
    }

    @Test("each record decodes via AnyEvent and re-encodes identically")
    func roundTrip() throws {
        for record in try Self.records() {
            let event = try AnyEvent.decode(record.value)
            #expect(event.eventType.rawValue == record.eventType)
            #expect(event.executionID == record.key)
            let encoded = event.encoded()
            #expect(
                encoded == record.value,
                "re-encoding differs for \(record.eventType): \(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test("each record also round-trips through the generic JSON value")
    func jsonValueRoundTrip() throws {
        for record in try Self.records() {
            let value = try JSONParser().parse(record.value)
            #expect(JSONWriter.encode(value) == record.value)
        }
    }

    @Test("commands decode through InboundCommand, the other records are unroutable there")
    func inboundDispatch() throws {
        for record in try Self.records() {
            switch record.eventType {
            case "create_pod_command", "delete_pod_command":
                let command = try InboundCommand.decode(record.value)
                #expect(command.eventType.rawValue == record.eventType)
                #expect(command.executionID == record.key)
            default:
                #expect(throws: EventDecodingError.unknownEventType(record.eventType)) {
                    try InboundCommand.decode(record.value)
                }
            }
        }
    }

    @Test("the walk-up finds the package root of this file")
    func walkUp() {
        let root = FixtureFile.packageRoot(from: #filePath)
        #expect(root != nil)
        #expect(FixtureFile.candidatePaths().first == root.map { $0 + "/Tests/Fixtures/wire/upstream-encoded.jsonl" })
    }
}
