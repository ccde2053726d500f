import Testing
@testable import Events

@Suite("Decoding is lenient like upstream")
struct DecodingLeniencyTests {
    private func string(_ text: String) -> JSONValue { .string(text) }
    private func number(_ text: String) throws -> JSONValue { .number(try #require(JSONNumber(text))) }

    @Test("unknown fields are ignored at top level and inside metadata")
    func unknownFields() throws {
        guard case .object(var object) = try JSONParser().parse(Samples.createPodJSON),
            case .object(var metadata)? = object["metadata"]
        else { return }
        metadata.append("correlation_id", .string("abc"))
        metadata.append("nested", .array([.null, .object(JSONObject())]))
        object.set("metadata", .object(metadata))
        object.append("extra_field", .object(JSONObject(pairs: ["deep": .array([.bool(true)])])))
        object.append("stored_at", .number(JSONNumber(17)))
        let command = try CreatePodCommand.decode(JSONWriter.encode(.object(object)))
        #expect(command.metadata == Samples.metadata)
        #expect(command.encoded() == Samples.bytes(Samples.createPodJSON))
    }

    @Test(
        "timestamps with +00:00, other offsets and naive forms decode to UTC and encode with Z",
        arguments: [
            ("2026-03-06T21:29:12.481337+00:00", "2026-03-06T21:29:12.481337Z"),
            ("2026-03-06T21:29:12.481337", "2026-03-06T21:29:12.481337Z"),
            ("2026-03-06T22:29:12+01:00", "2026-03-06T21:29:12Z"),
            ("2026-03-06 21:29:12", "2026-03-06T21:29:12Z"),
        ])
    func timestampForms(input: String, encoded: String) throws {
        let command = try CreatePodCommand.decode(try Samples.createPod(setting: "timestamp", to: string(input)))
        #expect(command.timestamp.iso8601 == encoded)
        let text = String(decoding: command.encoded(), as: UTF8.self)
        #expect(text.contains("\"timestamp\":\"\(encoded)\""))
    }

    @Test("an epoch-number timestamp is accepted")
    func epochTimestamp() throws {
        let command = try CreatePodCommand.decode(
            try Samples.createPod(setting: "timestamp", to: try number("1772832552.481337")))
        #expect(command.timestamp.iso8601 == "2026-03-06T21:29:12.481337Z")
    }

    @Test("missing optional fields take upstream's defaults")
    func createDefaults() throws {
        var bytes = Samples.bytes(Samples.createPodJSON)
        for key in ["event_version", "aggregate_id", "runtime_command", "priority", "event_type"] {
            guard case .object(var object) = try JSONParser().parse(bytes) else { return }
            object.removeAll(named: key)
            bytes = JSONWriter.encode(.object(object))
        }
        let command = try CreatePodCommand.decode(bytes)
        #expect(command.eventVersion == "1.0")
        #expect(command.aggregateID == nil)
        #expect(command.runtimeCommand.isEmpty)
        #expect(command.priority == .normal)
        let text = String(decoding: command.encoded(), as: UTF8.self)
        #expect(text.contains(#""event_type":"create_pod_command","event_version":"1.0""#))
        #expect(text.contains(#""aggregate_id":null"#))
        #expect(text.contains(#""runtime_command":[]"#))
        #expect(text.hasSuffix(#""priority":"normal"}"#))
    }

    @Test("metadata.environment defaults to production")
    func environmentDefault() throws {
        let command = try CreatePodCommand.decode(try Samples.createPod(settingMetadata: "environment", to: nil))
        #expect(command.metadata.environment == .production)
        let staging = try CreatePodCommand.decode(
            try Samples.createPod(settingMetadata: "environment", to: string("staging")))
        #expect(staging.metadata.environment == .staging)
    }

    @Test("delete_pod_command: pod_name/namespace may be null or absent")
    func deleteOptionals() throws {
        let minimal =
            #"{"event_type":"delete_pod_command","event_id":"e","timestamp":"2026-03-06T21:29:15Z","metadata":{"service_name":"s","service_version":"1","user_id":"u"},"saga_id":"s1","execution_id":"x1","reason":"r"}"#
        let command = try DeletePodCommand.decode(Samples.bytes(minimal))
        #expect(command.podName == nil && command.namespace == nil)
        #expect(
            String(decoding: command.encoded(), as: UTF8.self).hasSuffix(
                #""reason":"r","pod_name":null,"namespace":null}"#))
        let withValues = try DeletePodCommand.decode(
            Samples.bytes(minimal.replacingLast("}", with: #","pod_name":"p","namespace":"n"}"#)))
        #expect(withValues.podName == "p" && withValues.namespace == "n")
    }

    @Test("event defaults: pod_created namespace 'default', execution_failed exit_code 1 and empty output")
    func eventDefaults() throws {
        let created = try PodCreatedEvent.decode(
            Samples.bytes(
                #"{"timestamp":"2026-03-06T21:29:12Z","metadata":{"service_name":"s","service_version":"1","user_id":"u"},"execution_id":"x","pod_name":"p","event_id":"e"}"#
            ))
        #expect(created.namespace == "default")
        let failed = try ExecutionFailedEvent.decode(
            Samples.bytes(
                #"{"event_id":"e","timestamp":"2026-03-06T21:29:12Z","metadata":{"service_name":"s","service_version":"1","user_id":"u"},"execution_id":"x","error_type":"timeout","resource_usage":{"cpu_time_jiffies":"7","unknown":1}}"#
            ))
        #expect(failed.exitCode == 1 && failed.stdout.isEmpty && failed.stderr.isEmpty)
        #expect(failed.resourceUsage == ResourceUsage(cpuTimeJiffies: 7))
        let started = try ExecutionStartedEvent.decode(
            Samples.bytes(
                #"{"event_id":"e","timestamp":"2026-03-06T21:29:12Z","metadata":{"service_name":"s","service_version":"1","user_id":"u"},"execution_id":"x","pod_name":"p","node_name":"n1"}"#
            ))
        #expect(started.nodeName == "n1" && started.containerID == nil)
    }

    @Test("a missing event_id / user_id is derived deterministically from the input")
    func derivedIDs() throws {
        let first = try Samples.createPod(setting: "event_id", to: nil)
        let a = try CreatePodCommand.decode(first)
        let b = try CreatePodCommand.decode(first)
        #expect(a.eventID == b.eventID)
        #expect(UUID(a.eventID)?.version == 5)
        let other = try CreatePodCommand.decode(
            try Samples.createPod(setting: "script", to: string("print(2)")).removingKey("event_id"))
        #expect(other.eventID != a.eventID)
        let noUser = try CreatePodCommand.decode(try Samples.createPod(settingMetadata: "user_id", to: nil))
        #expect(UUID(noUser.metadata.userID)?.version == 5)
        #expect(noUser.metadata.userID != noUser.eventID)
    }

    @Test("missing ids can use an injected generator or be rejected")
    func idPolicies() throws {
        let bytes = try Samples.createPod(setting: "event_id", to: nil)
        let generated = try CreatePodCommand.decode(
            bytes, options: DecodingOptions(missingIDs: .generate { "fixed-id" }))
        #expect(generated.eventID == "fixed-id")
        #expect(throws: EventDecodingError.missingField(path: "event_id")) {
            try CreatePodCommand.decode(bytes, options: DecodingOptions(missingIDs: .reject))
        }
        let userless = try Samples.createPod(settingMetadata: "user_id", to: nil)
        let custom = try CreatePodCommand.decode(
            userless, options: DecodingOptions(missingIDs: .custom { path, _ in "gen:" + path }))
        #expect(custom.metadata.userID == "gen:metadata.user_id")
    }

    @Test("a missing timestamp uses the injected clock, or is reported without one")
    func missingTimestamp() throws {
        let bytes = try Samples.createPod(setting: "timestamp", to: nil)
        #expect(throws: EventDecodingError.missingField(path: "timestamp")) { try CreatePodCommand.decode(bytes) }
        let clock = try #require(Timestamp(year: 2030, month: 1, day: 2))
        let command = try CreatePodCommand.decode(bytes, options: DecodingOptions(now: { clock }))
        #expect(command.timestamp == clock)
    }

    @Test(
        "lax integers: whole floats, numeric strings, booleans",
        arguments: [
            ("5", 5), ("5.0", 5), ("1e1", 10), ("-0.0", 0),
        ])
    func laxIntegerNumbers(text: String, expected: Int) throws {
        let command = try CreatePodCommand.decode(
            try Samples.createPod(setting: "timeout_seconds", to: try number(text)))
        #expect(command.timeoutSeconds == expected)
        #expect(String(decoding: command.encoded(), as: UTF8.self).contains("\"timeout_seconds\":\(expected),"))
    }

    @Test(
        "lax integers from strings",
        arguments: [
            ("5", 5), (" 5 ", 5), ("+5", 5), ("-3", -3), ("0005", 5), ("1_000", 1000), ("5.00", 5), ("\t7\n", 7),
            ("1_000.0", 1000),
        ])
    func laxIntegerStrings(text: String, expected: Int) throws {
        let command = try CreatePodCommand.decode(try Samples.createPod(setting: "timeout_seconds", to: string(text)))
        #expect(command.timeoutSeconds == expected)
    }

    @Test("lax integers from booleans and lax floats")
    func laxOthers() throws {
        #expect(
            try CreatePodCommand.decode(try Samples.createPod(setting: "timeout_seconds", to: .bool(true)))
                .timeoutSeconds == 1)
        let usage = { (value: JSONValue) throws -> Double in
            let object = JSONObject(pairs: [
                "event_id": .string("e"), "timestamp": .string("2026-03-06T21:29:12Z"),
                "metadata": .object(
                    JSONObject(pairs: [
                        "service_name": .string("s"), "service_version": .string("1"), "user_id": .string("u"),
                    ])),
                "execution_id": .string("x"), "error_type": .string("timeout"),
                "resource_usage": .object(JSONObject(pairs: ["execution_time_wall_seconds": value])),
            ])
            return try #require(try ExecutionFailedEvent.decode(JSONWriter.encode(.object(object))).resourceUsage)
                .executionTimeWallSeconds
        }
        #expect(try usage(try self.number("2")) == 2)
        #expect(try usage(.string(" 2.5 ")) == 2.5)
        #expect(try usage(.string("1_0.5")) == 10.5)
        #expect(try usage(.string(".5")) == 0.5)
        #expect(try usage(.string("1e3")) == 1000)
        #expect(try usage(.bool(true)) == 1)
    }

    @Test("duplicate keys resolve to the last occurrence, like json.loads")
    func duplicateKeys() throws {
        let text = Samples.createPodJSON.replacingLast("}", with: #","language":"ruby"}"#)
        #expect(try CreatePodCommand.decode(Samples.bytes(text)).language == "ruby")
    }

    @Test("a missing event_type is fine for a concrete decode, it defaults to the literal")
    func missingEventTypeConcrete() throws {
        let command = try DeletePodCommand.decode(
            try JSONWriter.encode(JSONParser().parse(Samples.deletePodJSON)).removingKey("event_type"))
        #expect(command.eventType == .deletePodCommand)
    }
}
