import Testing
@testable import Events

@Suite("Decoding errors are typed and name the field")
struct DecodingErrorTests {
    private func decodeError(_ bytes: [UInt8], options: DecodingOptions = DecodingOptions()) -> EventDecodingError? {
        do {
            _ = try InboundCommand.decode(bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    private func createError(setting key: String, to value: JSONValue?) throws -> EventDecodingError? {
        decodeError(try Samples.createPod(setting: key, to: value))
    }

    @Test("malformed JSON carries the byte offset")
    func malformed() throws {
        let error = try #require(decodeError(Samples.bytes(#"{"event_type":"create_pod_command",}"#)))
        guard case .malformedJSON(let parseError) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(parseError.offset == 35)
        #expect(
            error.description == "malformed JSON at byte 35: unexpected byte 0x7D ('}'), expected '\"' starting a key")
    }

    @Test("truncated input is malformed JSON at the end of input", arguments: [1, 2, 3, 5, 7])
    func truncated(eighths: Int) throws {
        let full = Samples.bytes(Samples.createPodJSON)
        let cut = Array(full.prefix(full.count * eighths / 8))
        guard case .malformedJSON(let error)? = decodeError(cut), case .unexpectedEndOfInput = error.reason else {
            Issue.record("expected an end-of-input error, got \(String(describing: decodeError(cut)))")
            return
        }
        #expect(error.offset == cut.count)
    }

    @Test("invalid UTF-8 in a field value is rejected")
    func invalidUTF8() throws {
        var bytes = Samples.bytes(Samples.createPodJSON)
        let scriptStart = try #require(Samples.createPodJSON.utf8.firstRange(of: Array("print(".utf8))).lowerBound
        let offset = Samples.createPodJSON.utf8.distance(from: Samples.createPodJSON.utf8.startIndex, to: scriptStart)
        bytes[offset] = 0xC3
        bytes[offset + 1] = 0x28
        #expect(decodeError(bytes) == .malformedJSON(JSONParseError(offset: offset, reason: .invalidUTF8)))
    }

    @Test("nesting deeper than the limit is rejected")
    func tooDeep() throws {
        let bytes = Samples.bytes(
            "{\"a\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}")
        #expect(decodeError(bytes) == .malformedJSON(JSONParseError(offset: 68, reason: .nestingTooDeep(limit: 64))))
        let json = Samples.bytes(Samples.createPodJSON)
        let metadataOpen = try #require(json.firstRange(of: Array(#""metadata":{"#.utf8))).upperBound - 1
        #expect(
            decodeError(json, options: DecodingOptions(maxDepth: 1))
                == .malformedJSON(JSONParseError(offset: metadataOpen, reason: .nestingTooDeep(limit: 1))))
    }

    @Test("the size guard refuses large inputs before parsing")
    func sizeGuard() {
        let garbage = [UInt8](repeating: 0xFF, count: 2048)
        #expect(
            decodeError(garbage, options: DecodingOptions(maxInputBytes: 1024))
                == .inputTooLarge(size: 2048, limit: 1024))
        #expect(
            decodeError([UInt8](repeating: 0x20, count: DecodingOptions.defaultMaxInputBytes + 1))
                == .inputTooLarge(
                    size: DecodingOptions.defaultMaxInputBytes + 1, limit: DecodingOptions.defaultMaxInputBytes))
        #expect(throws: EventDecodingError.inputTooLarge(size: 2048, limit: 10)) {
            try AnyEvent.decode(garbage, options: DecodingOptions(maxInputBytes: 10))
        }
    }

    @Test("a non-object document is rejected")
    func notAnObject() {
        #expect(decodeError(Samples.bytes("[1]")) == .notAnObject(found: .array))
        #expect(decodeError(Samples.bytes("\"create_pod_command\"")) == .notAnObject(found: .string))
    }

    @Test("missing or unknown event_type are distinct, unroutable errors")
    func routing() throws {
        let missing = try #require(try createError(setting: "event_type", to: nil))
        #expect(missing == .missingEventType)
        #expect(missing.isUnroutable)
        let unknown = try #require(try createError(setting: "event_type", to: .string("pod_created")))
        #expect(unknown == .unknownEventType("pod_created"))
        #expect(unknown.isUnroutable)
        #expect(unknown.description == "unknown event_type 'pod_created'")
        #expect(
            try createError(setting: "event_type", to: .number(JSONNumber(3)))
                == .wrongType(path: "event_type", expected: "string", found: .number))
        #expect(throws: EventDecodingError.unknownEventType("saga_started")) {
            try AnyEvent.decode(try Samples.createPod(setting: "event_type", to: .string("saga_started")))
        }
    }

    @Test("a concrete decode rejects another event_type literal")
    func literalMismatch() throws {
        #expect(throws: EventDecodingError.eventTypeMismatch(expected: .createPodCommand, found: "delete_pod_command"))
        {
            try CreatePodCommand.decode(Samples.bytes(Samples.deletePodJSON))
        }
    }

    @Test(
        "missing required fields name their path",
        arguments: [
            "saga_id", "execution_id", "script", "language", "language_version", "runtime_image", "runtime_filename",
            "timeout_seconds", "cpu_limit", "memory_limit", "cpu_request", "memory_request", "metadata",
        ])
    func missingRequired(field: String) throws {
        let error = try #require(try createError(setting: field, to: nil))
        #expect(error == .missingField(path: field))
        #expect(error.fieldPath == field)
        #expect(error.description == "\(field): required field is missing")
    }

    @Test("missing required metadata fields and error_type")
    func missingNested() throws {
        #expect(
            decodeError(try Samples.createPod(settingMetadata: "service_name", to: nil))
                == .missingField(path: "metadata.service_name"))
        #expect(
            decodeError(try Samples.createPod(settingMetadata: "service_version", to: nil))
                == .missingField(path: "metadata.service_version"))
        let failed =
            #"{"event_id":"e","timestamp":"2026-03-06T21:29:12Z","metadata":{"service_name":"s","service_version":"1"},"execution_id":"x"}"#
        #expect(throws: EventDecodingError.missingField(path: "error_type")) {
            try ExecutionFailedEvent.decode(Samples.bytes(failed))
        }
    }

    @Test(
        "wrong JSON types name the path, the expected and the found type",
        arguments: [
            ("script", JSONValue.number(JSONNumber(5)), "script", "string", JSONKind.number),
            ("saga_id", .null, "saga_id", "string", .null),
            ("runtime_command", .string("python"), "runtime_command", "array of strings", .string),
            ("runtime_command", .array([.string("a"), .bool(false)]), "runtime_command[1]", "string", .bool),
            ("metadata", .string("m"), "metadata", "object", .string),
            ("aggregate_id", .number(JSONNumber(1)), "aggregate_id", "string", .number),
            ("timeout_seconds", .array([]), "timeout_seconds", "integer", .array),
            ("timestamp", .bool(true), "timestamp", "date-time string or epoch number", .bool),
            ("event_id", .null, "event_id", "string", .null),
        ])
    func wrongTypes(key: String, value: JSONValue, path: String, expected: String, found: JSONKind) throws {
        #expect(try createError(setting: key, to: value) == .wrongType(path: path, expected: expected, found: found))
    }

    @Test("bad enum values name the field and the allowed values")
    func badEnums() throws {
        let environment = decodeError(try Samples.createPod(settingMetadata: "environment", to: .string("prod")))
        #expect(
            environment
                == .invalidValue(
                    path: "metadata.environment", expected: "one of 'development', 'staging', 'production', 'test'",
                    found: "'prod'"))
        #expect(
            environment?.description
                == "metadata.environment: expected one of 'development', 'staging', 'production', 'test', found 'prod'")
        #expect(
            try createError(setting: "priority", to: .string("urgent"))
                == .invalidValue(
                    path: "priority", expected: "one of 'critical', 'high', 'normal', 'low', 'background'",
                    found: "'urgent'"))
        let failed =
            #"{"event_id":"e","timestamp":"2026-03-06T21:29:12Z","metadata":{"service_name":"s","service_version":"1"},"execution_id":"x","error_type":"oops"}"#
        #expect(
            throws: EventDecodingError.invalidValue(
                path: "error_type",
                expected: "one of 'system_error', 'timeout', 'resource_limit', 'script_error', 'permission_denied'",
                found: "'oops'")
        ) {
            try ExecutionFailedEvent.decode(Samples.bytes(failed))
        }
    }

    @Test("invalid values: fractional or out-of-range integers, bad strings, bad timestamps")
    func invalidValues() throws {
        #expect(
            try createError(setting: "timeout_seconds", to: .number(try #require(JSONNumber("5.5"))))
                == .invalidValue(path: "timeout_seconds", expected: "an integer (no fractional part)", found: "5.5"))
        #expect(
            try createError(setting: "timeout_seconds", to: .number(try #require(JSONNumber("1e30"))))
                == .invalidValue(path: "timeout_seconds", expected: "an integer within the 64-bit range", found: "1e30")
        )
        for text in ["5.", "5.5", "1e3", "0x10", "", "five", "1__0"] {
            #expect(
                try createError(setting: "timeout_seconds", to: .string(text))
                    == .invalidValue(path: "timeout_seconds", expected: "an integer", found: "'\(text)'"))
        }
        let timestamp = try #require(try createError(setting: "timestamp", to: .string("2026-02-30T00:00:00Z")))
        #expect(timestamp.fieldPath == "timestamp")
        #expect(
            timestamp.description.hasPrefix(
                "timestamp: expected an ISO-8601 date-time or Unix epoch number, found '2026-02-30T00:00:00Z'"))
    }

    @Test("long values are truncated in error messages")
    func truncatedRendering() throws {
        let long = String(repeating: "x", count: 500)
        let error = try #require(try createError(setting: "priority", to: .string(long)))
        #expect(error.description.count < 200)
    }
}
