import SupervisorCore
import Testing

/// The key table: names, environment names, and that each key reads and writes its own field.
@Suite struct ConfigurationKeysTests {
    static let names = ConfigurationKeys.all.map(\.name)

    @Test func namesAreUniqueAndDotted() {
        #expect(Set(Self.names).count == Self.names.count)
        let sections: Set<String> = [
            "workers", "restart", "dispatch", "shutdown", "ipc", "source", "kafka", "kubernetes", "pod", "log",
            "metrics",
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
                (["integer", "duration", "string", "boolean", "mapping", "quantity"].contains($0.type)
                    || $0.type.hasPrefix("one of `") || $0.type.hasPrefix("list of ") || $0.type.hasPrefix("mapping "))
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
        case "kafka.assignment_strategy": "roundrobin"
        case "kafka.group_instance_id": "worker-a"
        case "kafka.security_protocol": "ssl"
        case "source.kind": "lines"
        case "log.level": "debug"
        case "log.format": "json"
        case "ipc.max_frame_bytes": "65536"
        case "kubernetes.source": "in-cluster"
        case "kubernetes.namespace": "executions"
        case "kubernetes.runtime_class": "gvisor"
        case "kubernetes.on_forbidden": "warn"
        case "kubernetes.rate_limit": "fixed"
        case "metrics.listen": "[::1]:0"
        case "shutdown.final_timeout": "6543ms"
        case "kafka.properties": #"{fetch.wait.max.ms: "7"}"#
        case "pod.runtimes": #"[{language: "python", version: "3.13", image: "python:3.13-slim"}]"#
        case "pod.runtimes_mode": "replace"
        case "pod.image_prefix_rewrite": #"{from: "docker.io/", to: "mirror.local/"}"#
        case "pod.default_cpu_limit": "1500m"
        case "pod.default_cpu_request": "100m"
        case "pod.max_cpu_limit": "4000m"
        case "pod.default_memory_limit": "256Mi"
        case "pod.default_memory_request": "64Mi"
        case "pod.max_memory_limit": "1Gi"
        case "pod.default_timeout_seconds": "60"
        case "pod.max_timeout_seconds": "600"
        case "pod.above_maximum": "refuse"
        case "pod.ephemeral_storage_request": "16Mi"
        case "pod.ephemeral_storage_limit": "64Mi"
        case "pod.queue_name": "batch-queue"
        case "pod.priority_class_name": "executor-low"
        case "pod.runtime_class_name": "gvisor"
        case "pod.node_selector": #"{"pool": "executors"}"#
        case "pod.tolerations": #"[{key: "dedicated", operator: Equal, value: "executors", effect: NoSchedule}]"#
        case "pod.image_pull_secrets": #"["mirror-pull"]"#
        case "pod.image_pull_policy": "Always"
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
        // A key whose other value is valid only with a second key set too (`replace` needs runtimes).
        let companion: (String, String)? =
            name == "pod.runtimes_mode"
            ? ("pod.runtimes", Self.otherValue(for: try #require(ConfigurationKeys.key(named: "pod.runtimes"))))
            : nil
        let loader = ConfigurationLoader(
            path: nil, environment: [:],
            overrides: (name == "source.path" ? [(name, value)] : [("source.path", "/x"), (name, value)])
                + (companion.map { [$0] } ?? []))
        let loaded = try loader.load()
        // Secrets render as "(secret)", never as themselves.
        #expect(key.value(in: loaded) == (name == "kafka.sasl_password" ? "(secret)" : value))
        let baseline = Configuration()
        for other in ConfigurationKeys.all
        where other.name != name && other.name != "source.path" && other.name != companion?.0 {
            #expect(other.value(in: loaded) == other.value(in: baseline), "setting \(name) changed \(other.name)")
        }
    }

    @Test func everyConfigurationFieldHasAKey() {
        // Mirror the struct: section.fieldName in snake case must be a key, and nothing else is.
        var fields: [String] = []
        // `groupID` is `group_id` and `maxCPULimit` `max_cpu_limit`: an all-caps "ID" or "CPU" is one word.
        func snake(_ label: String) -> String {
            label.replacing("ID", with: "Id").replacing("CPU", with: "Cpu").reduce(into: "") { result, character in
                if character.isUppercase {
                    result += "_" + character.lowercased()
                } else {
                    result.append(character)
                }
            }
        }
        for section in Mirror(reflecting: Configuration()).children {
            for field in Mirror(reflecting: section.value).children {
                // `pod.resources` is flat in the file; its minima are fixed, and ephemeral storage is two keys.
                guard section.label == "pod" && field.label == "resources" else {
                    fields.append("\(section.label!).\(snake(field.label!))")
                    continue
                }
                for resource in Mirror(reflecting: field.value).children {
                    switch resource.label! {
                    case "minCPULimit", "minMemoryLimit": continue
                    case "ephemeralStorage": fields += ["pod.ephemeral_storage_request", "pod.ephemeral_storage_limit"]
                    default: fields.append("pod.\(snake(resource.label!))")
                    }
                }
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
