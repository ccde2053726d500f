import Events
import Glibc
import KubeSimulator
import TestKit
import Testing

/// Shared helpers: simulators in temporary directories, JSON literals, polling against a deadline.
enum TestSupport {
    /// A fresh directory under /tmp.
    static func temporaryDirectory() -> String { Scratch.directory(prefix: "kubesim-test") }

    /// Removes a directory tree (test scratch space only).
    static func removeDirectory(_ path: String) { Scratch.remove(path) }

    /// A started simulator with namespace `ns` (and whatever `configure` adds).
    static func simulator(
        namespaces: [String] = ["ns"], _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) throws -> Harness {
        var configuration = SimulatorConfiguration(outputDirectory: temporaryDirectory())
        configuration.namespaces = namespaces
        configure(&configuration)
        let simulator = try APISimulator(configuration)
        try simulator.start()
        return Harness(simulator: simulator)
    }

    /// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
        Poll.until(timeout: timeout, condition)
    }

    /// Parses a JSON literal written in a test.
    static func json(_ text: String) -> JSONValue {
        (try? JSONParser().parse(text)) ?? .null
    }

    /// A ConfigMap body.
    static func configMap(
        _ name: String, labels: [String: String] = [:], data: [String: String] = ["k": "v"]
    ) -> JSONValue {
        .object(
            JSONObject([
                .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("ConfigMap")),
                .init(
                    key: "metadata",
                    value: .object(
                        JSONObject([
                            .init(key: "name", value: .string(name)),
                            .init(key: "labels", value: .object(strings(labels))),
                        ]))),
                .init(key: "data", value: .object(strings(data))),
            ]))
    }

    /// A minimal (non-hardened) Pod body.
    static func pod(_ name: String, labels: [String: String] = [:]) -> JSONValue {
        json(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)","labels":\(text(.object(strings(labels))))},
             "spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","1"]}]}}
            """)
    }

    /// Compact JSON text.
    static func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.encode(value), as: UTF8.self) }

    static func strings(_ map: [String: String]) -> JSONObject {
        JSONObject(map.keys.sorted().map { .init(key: $0, value: .string(map[$0] ?? "")) })
    }
}

/// A running simulator that stops and cleans up its directory when released.
final class Harness {
    let simulator: APISimulator

    init(simulator: APISimulator) { self.simulator = simulator }

    deinit {
        simulator.stop()
        TestSupport.removeDirectory(simulator.configuration.outputDirectory)
    }

    /// A client authenticated with the kubeconfig token.
    func client() throws -> SimulatorClient { try SimulatorClient(simulator: simulator) }

    /// A client authenticated with the admin token (for `/_sim`).
    func adminClient() throws -> SimulatorClient {
        try SimulatorClient(simulator: simulator, token: simulator.adminToken)
    }
}

extension JSONObject {
    /// Test shorthand: the string at a dotted path.
    func text(_ dotted: String) -> String? { value(dotted)?.stringValue }

    /// Test shorthand: the value at a dotted path (`metadata.labels.app`); `[n]` is not supported, use `items(_:)`.
    func value(_ dotted: String) -> JSONValue? {
        var current = JSONValue.object(self)
        for part in dotted.split(separator: ".") {
            guard let next = current.objectValue?[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// Test shorthand: the array at a dotted path, as objects.
    func items(_ dotted: String = "items") -> [JSONObject] {
        value(dotted)?.arrayValue?.compactMap(\.objectValue) ?? []
    }
}

/// Percent-encoding for query values in tests.
enum QueryEscape {
    static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return output
    }
}

extension String {
    /// Two hex digits for one.
    var leftPadded: String { count == 1 ? "0" + self : self }
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let scalars = Array(unicodeScalars)
        let needle = Array(target.unicodeScalars)
        guard needle.count <= scalars.count else { return self }
        for start in 0...(scalars.count - needle.count) where Array(scalars[start..<(start + needle.count)]) == needle {
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars[0..<start])
            result.append(contentsOf: replacement.unicodeScalars)
            result.append(contentsOf: scalars[(start + needle.count)...])
            return String(result)
        }
        return self
    }
}

extension Harness {
    /// Runs the real kubectl with this simulator's kubeconfig (and a scratch cache and HOME).
    func kubectl(_ arguments: [String]) throws -> Subprocess.Result {
        let kubectl = try #require(
            Subprocess.which("kubectl"), "kubectl is not on PATH; this compatibility test needs the real client")
        let cache = TestSupport.temporaryDirectory()
        defer { TestSupport.removeDirectory(cache) }
        return Subprocess.run(
            kubectl, ["--kubeconfig", simulator.kubeconfigPath, "--cache-dir", cache] + arguments,
            environment: ["HOME": cache], timeout: .seconds(60))
    }
}
