import Events
import Glibc
import KubeManifests
import Testing

/// Inputs shared by the suites.
enum Samples {
    /// A committed fixture's text, or `nil` when it cannot be read (the test using it then fails on parsing).
    static func readText(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while case let count = fread(&buffer, 1, buffer.count, file), count > 0 { bytes += buffer[0..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The docs/upstream-contract.md §3.7 `create_pod_command`, byte for byte.
    static let createPodJSON =
        #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

    static let executionID = "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90"
    static let sagaID = "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"
    static let userID = "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e"
    static let podUID = "0d6f1e2a-3b4c-4d5e-8f60-718293a4b5c6"

    /// The docs/upstream-contract.md §3.7 command, decoded with the `Events` codec.
    static func command() throws -> CreatePodCommand {
        try CreatePodCommand.decode(Array(createPodJSON.utf8))
    }

    /// The docs/upstream-contract.md §3.7 command with changes.
    static func command(_ change: (inout CreatePodCommand) -> Void) throws -> CreatePodCommand {
        var command = try command()
        change(&command)
        return command
    }

    /// A builder with the default registry, policy and settings.
    static func builder(
        settings: ManifestSettings = ManifestSettings(), policy: ResourcePolicy = ResourcePolicy()
    ) throws
        -> ExecutionManifestBuilder
    {
        try ExecutionManifestBuilder(policy: policy, settings: settings)
    }

    /// Parses JSON text written in a test.
    static func json(_ text: String) throws -> JSONValue {
        try JSONParser().parse(text)
    }
}

extension JSONValue {
    /// Test navigation: the member `key` of an object.
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
    /// Test navigation: element `index` of an array.
    subscript(_ index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}

extension Optional where Wrapped == JSONValue {
    /// Test navigation through optionals.
    subscript(_ key: String) -> JSONValue? { self?[key] }
    /// Test navigation through optionals.
    subscript(_ index: Int) -> JSONValue? { self?[index] }
}

/// Compares two JSON values ignoring member order (the upstream renderings of docs/upstream-contract.md are
/// pretty-printed in the client's order, ours in a fixed order of our own).
func sameJSON(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
    switch (lhs, rhs) {
    case (nil, nil): return true
    case (.object(let a)?, .object(let b)?):
        guard Set(a.keys) == Set(b.keys), a.keys.count == b.keys.count else { return false }
        return a.keys.allSatisfy { sameJSON(a[$0], b[$0]) }
    case (.array(let a)?, .array(let b)?):
        return a.count == b.count && zip(a, b).allSatisfy { sameJSON($0, $1) }
    case (.number(let a)?, .number(let b)?):
        return a.text == b.text
    case (let a?, let b?):
        return a == b
    default:
        return false
    }
}
