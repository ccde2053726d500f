import SupervisorCore
import Testing

/// The key table: names, environment names, and that each key reads and writes its own field.
@Suite struct ConfigurationKeysTests {
    static let names = ConfigurationKeys.all.map(\.name)

    @Test func namesAreUniqueAndDotted() {
        #expect(Set(Self.names).count == Self.names.count)
        let sections: Set<String> = [
            "workers", "restart", "dispatch", "shutdown", "ipc", "source", "kafka", "kubernetes", "log", "metrics",
        ]
        for name in Self.names {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 2, "\(name)")
            #expect(sections.contains(String(parts[0])), "\(name)")
            #expect(parts.last?.allSatisfy { $0.isLowercase || $0 == "_" } == true, "\(name)")
        }
    }

    @Test func environmentNames() {
        #expect(ConfigurationKeys.key(named: "workers.count")?.environmentName == "K8S_WORKER_WORKERS_COUNT")
        #expect(
            ConfigurationKeys.key(named: "restart.crash_loop_window")?.environmentName
                == "K8S_WORKER_RESTART_CRASH_LOOP_WINDOW")
        #expect(
            ConfigurationKeys.key(named: "ipc.max_frame_bytes")?.environmentName == "K8S_WORKER_IPC_MAX_FRAME_BYTES")
        #expect(ConfigurationKeys.key(named: "metrics.listen")?.environmentName == "K8S_WORKER_METRICS_LISTEN")
        let environmentNames = ConfigurationKeys.all.map(\.environmentName)
        #expect(Set(environmentNames).count == environmentNames.count)
        for name in environmentNames {
            #expect(name.hasPrefix("K8S_WORKER_"))
            #expect(name.allSatisfy { ($0.isASCII && $0.isUppercase) || $0.isNumber || $0 == "_" }, "\(name)")
        }
    }

    @Test func lookUpByName() {
        #expect(ConfigurationKeys.key(named: "workers.heartbeat_timeout")?.type == "duration")
        #expect(ConfigurationKeys.key(named: "workers.count")?.type == "integer")
        #expect(ConfigurationKeys.key(named: "log.level")?.type == "string")
        #expect(ConfigurationKeys.key(named: "source.stop_at_end")?.type == "boolean")
        #expect(ConfigurationKeys.key(named: "workers") == nil)
        #expect(ConfigurationKeys.key(named: "workers.Count") == nil)
        #expect(ConfigurationKeys.key(named: "kafka.properties")?.type == "mapping")
        #expect(ConfigurationKeys.key(named: "kafka.properties.fetch.wait.max.ms")?.type == "string")
        #expect(ConfigurationKeys.key(named: "workers.handler")?.type == "one of `kubernetes`, `stub` or `test`")
        #expect(
            ConfigurationKeys.all.allSatisfy {
                (["integer", "duration", "string", "boolean", "mapping"].contains($0.type)
                    || $0.type.hasPrefix("one of `"))
                    && !$0.summary.isEmpty
            })
    }

    @Test(arguments: ConfigurationKeys.all.map(\.name))
    func defaultRendersAndReappliesToAnEqualConfiguration(name: String) throws {
        let key = try #require(ConfigurationKeys.key(named: name))
        let defaults = Configuration()
        let text = key.value(in: defaults)
        let loader = ConfigurationLoader(path: nil, environment: [:], overrides: [(name, text), ("source.path", "/x")])
        var expected = defaults
        expected.source.path = "/x"
        #expect(try loader.load() == expected, "\(name) rendered as '\(text)'")
    }

    /// A value different from the default, valid on its own, for each key.
    static func otherValue(for key: ConfigurationKey) -> String {
        switch key.name {
        case "workers.handler": "stub"
        case "kafka.layout": "per-event-type"
        case "kafka.auto_offset_reset": "latest"
        case "kafka.security_protocol": "ssl"
        case "source.kind": "lines"
        case "log.level": "debug"
        case "log.format": "json"
        case "ipc.max_frame_bytes": "65536"
        case "kubernetes.source": "in-cluster"
        case "kubernetes.namespace": "executions"
        case "kubernetes.runtime_class": "gvisor"
        case "kubernetes.on_forbidden": "warn"
        case "metrics.listen": "[::1]:0"
        case "shutdown.final_timeout": "6543ms"
        case "kafka.properties": #"{fetch.wait.max.ms: "7"}"#
        default:
            switch key.type {
            case "integer": "\(Int(key.value(in: Configuration()))! + 7)"
            case "duration": "4321ms"
            case "boolean": key.value(in: Configuration()) == "true" ? "false" : "true"
            default: "/opt/\(key.name)"
            }
        }
    }

    @Test(arguments: ConfigurationKeys.all.map(\.name))
    func eachKeyWritesOnlyItsOwnField(name: String) throws {
        let key = try #require(ConfigurationKeys.key(named: name))
        let value = Self.otherValue(for: key)
        let loader = ConfigurationLoader(
            path: nil, environment: [:],
            overrides: name == "source.path" ? [(name, value)] : [("source.path", "/x"), (name, value)])
        let loaded = try loader.load()
        // Secrets render as "(secret)", never as themselves.
        #expect(key.value(in: loaded) == (name == "kafka.sasl_password" ? "(secret)" : value))
        let baseline = Configuration()
        for other in ConfigurationKeys.all where other.name != name && other.name != "source.path" {
            #expect(other.value(in: loaded) == other.value(in: baseline), "setting \(name) changed \(other.name)")
        }
    }

    @Test func everyConfigurationFieldHasAKey() {
        // Mirror the struct: section.fieldName in snake case must be a key, and nothing else is.
        var fields: [String] = []
        for section in Mirror(reflecting: Configuration()).children {
            for field in Mirror(reflecting: section.value).children {
                // `groupID` is `group_id`: an all-caps "ID" is one word.
                let snake = field.label!.replacing("ID", with: "Id").reduce(into: "") { result, character in
                    if character.isUppercase {
                        result += "_" + character.lowercased()
                    } else {
                        result.append(character)
                    }
                }
                fields.append("\(section.label!).\(snake)")
            }
        }
        #expect(fields.sorted() == Self.names.sorted())
    }

    @Test(arguments: ["abc", "1.5", "", "0x10", "1e3", "12abc"])
    func integerKeysRefuseNonIntegers(text: String) {
        let loader = ConfigurationLoader(
            path: nil, environment: [:], overrides: [("source.path", "/x"), ("workers.count", text)])
        #expect(
            throws: ConfigurationError(key: "workers.count", message: "'\(text)' is not an integer", origin: "flag")
        ) {
            try loader.load()
        }
    }

    @Test(arguments: [
        ("true", true), ("yes", true), ("on", true), ("1", true), (" TRUE ", true), ("false", false),
        ("no", false), ("off", false), ("0", false), ("False", false),
    ])
    func booleanKeysAcceptCommonSpellings(text: String, expected: Bool) throws {
        let loader = ConfigurationLoader(
            path: nil, environment: [:], overrides: [("source.path", "/x"), ("source.stop_at_end", text)])
        #expect(try loader.load().source.stopAtEnd == expected)
    }

    @Test(arguments: ["maybe", "", "2", "t", "enabled"])
    func booleanKeysRefuseAnythingElse(text: String) {
        let loader = ConfigurationLoader(
            path: nil, environment: [:], overrides: [("source.path", "/x"), ("source.stop_at_end", text)])
        #expect(
            throws: ConfigurationError(
                key: "source.stop_at_end", message: "'\(text)' is not a boolean (true or false)", origin: "flag")
        ) {
            try loader.load()
        }
    }

    @Test func integerKeysTrimWhitespace() throws {
        let loader = ConfigurationLoader(
            path: nil, environment: [:], overrides: [("source.path", "/x"), ("workers.count", " 7 ")])
        #expect(try loader.load().workers.count == 7)
    }
}
