import Events
import Glibc
import KubeClient
import KubeSimulator
import Platform
import TestKit

/// Scratch directories, files, simulators and clients for the KubeClient tests.
enum TestSupport {
    /// A fresh directory under /tmp.
    static func temporaryDirectory() -> String { Scratch.directory(prefix: "kubeclient-test") }

    /// Removes a directory tree (test scratch space only).
    static func removeDirectory(_ path: String) { Scratch.remove(path) }

    /// Writes `text` to `path` (truncating in place, so the inode stays), with `mode`.
    static func write(_ text: String, to path: String, mode: mode_t = 0o600) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { return }
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        fchmod(descriptor, mode)
        close(descriptor)
    }

    /// Replaces `path` atomically (new inode), the way the kubelet rotates projected tokens.
    static func replace(_ text: String, at path: String) {
        write(text, to: path + ".new")
        rename(path + ".new", path)
    }

    /// Reads a file as text ("" when missing).
    static func read(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count <= 0 { return String(decoding: result, as: UTF8.self) }
            result += buffer[0..<count]
        }
    }

    /// Standard base64, for kubeconfigs written by tests.
    static func base64(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value =
                (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8)
                | UInt32(chunk.count > 2 ? chunk[2] : 0)
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(chunk.count > 1 ? alphabet[Int(value >> 6 & 63)] : "=")
            output.append(chunk.count > 2 ? alphabet[Int(value & 63)] : "=")
            index += 3
        }
        return output
    }

    /// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
        Poll.until(timeout: timeout, condition)
    }

    /// A started simulator with namespace `ns` (plus whatever `configure` sets), stopped and cleaned up with the
    /// returned harness.
    static func simulator(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> SimulatorHarness {
        var configuration = SimulatorConfiguration(outputDirectory: temporaryDirectory())
        configuration.namespaces = ["ns"]
        configure(&configuration)
        let simulator = try APISimulator(configuration)
        try simulator.start()
        return SimulatorHarness(simulator: simulator)
    }

    /// Settings for tests: fast retries, no rate limit unless asked.
    static func settings(
        _ source: KubeClusterSource, _ tweak: (inout KubeClientSettings) -> Void = { _ in }
    )
        -> KubeClientSettings
    {
        var settings = KubeClientSettings(source: source)
        settings.qps = 0
        settings.retryBaseDelay = .milliseconds(10)
        settings.retryMaxDelay = .milliseconds(50)
        settings.requestTimeout = .seconds(5)
        tweak(&settings)
        return settings
    }

    /// A ConfigMap body.
    static func configMap(_ name: String, data: [String: String] = ["k": "v"]) -> [UInt8] {
        var dataObject = JSONObject()
        for key in data.keys.sorted() { dataObject.append(key, .string(data[key] ?? "")) }
        var metadata = JSONObject()
        metadata.append("name", .string(name))
        var object = JSONObject()
        object.append("apiVersion", .string("v1"))
        object.append("kind", .string("ConfigMap"))
        object.append("metadata", .object(metadata))
        object.append("data", .object(dataObject))
        return JSONWriter.encode(.object(object))
    }

    /// Bytes of a JSON literal.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A deadline a few seconds out, for calls expected to succeed.
    static var soon: KubeDeadline { .after(.seconds(10)) }
}

/// A running simulator and its scratch directory, torn down on release.
final class SimulatorHarness: Sendable {
    let simulator: APISimulator
    /// Extra scratch space for the test (kubeconfigs, plugins), removed with the harness.
    let scratch: String

    init(simulator: APISimulator) {
        self.simulator = simulator
        scratch = TestSupport.temporaryDirectory()
    }

    deinit {
        simulator.stop()
        TestSupport.removeDirectory(simulator.configuration.outputDirectory)
        TestSupport.removeDirectory(scratch)
    }

    /// A client on the simulator's kubeconfig (embedded certificates) and `context` (nil: the token context).
    func client(
        context: String? = nil, log: LogRecorder? = nil, _ tweak: (inout KubeClientSettings) -> Void = { _ in }
    ) throws -> KubeClient {
        try KubeClient(
            settings: TestSupport.settings(.kubeconfig(path: simulator.kubeconfigPath, context: context), tweak),
            logger: log?.logger)
    }

    /// Writes a kubeconfig for this simulator with the given `user:` lines (indented by four spaces) and cluster
    /// extras, returning its path.
    func kubeconfig(
        name: String = "kubeconfig", user: [String], cluster: [String]? = nil, namespace: String = "ns"
    ) -> String {
        let clusterLines =
            cluster ?? [
                "    server: \(simulator.url)",
                "    certificate-authority-data: \(TestSupport.base64(simulator.caPEM))",
            ]
        let lines =
            ["apiVersion: v1", "kind: Config", "clusters:", "- name: sim", "  cluster:"] + clusterLines + [
                "users:", "- name: tester", "  user:",
            ] + user + [
                "contexts:", "- name: main", "  context:", "    cluster: sim", "    user: tester",
                "    namespace: \(namespace)", "current-context: main",
            ]
        let path = "\(scratch)/\(name)"
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: path)
        return path
    }
}

/// Collects log lines from a client.
final class LogRecorder: Sendable {
    private let lines = Locked<[(KubeLogLevel, String)]>([])

    /// The logger closure to pass to a client.
    var logger: KubeClientLogger {
        { [self] level, text in lines.withLock { $0.append((level, text)) } }
    }

    /// Everything logged so far.
    var all: [(KubeLogLevel, String)] { lines.withLock { $0 } }
}

extension JSONValue {
    /// Test shorthand: the value at a dotted path of object keys.
    func at(_ dotted: String) -> JSONValue? {
        var current = self
        for part in dotted.split(separator: ".") {
            guard let next = current.objectValue?[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// Test shorthand: the string at a dotted path.
    func text(_ dotted: String) -> String? { at(dotted)?.stringValue }
}
