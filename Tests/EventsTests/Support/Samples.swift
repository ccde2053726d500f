@testable import Events

/// Hand-written inputs shared by several suites.
enum Samples {
    static let metadata = EventMetadata(
        serviceName: "saga-orchestrator", serviceVersion: "1.0.0",
        userID: "7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e", environment: .production)

    /// The docs/upstream-contract.md §3.7 `create_pod_command` sample, byte for byte.
    static let createPodJSON =
        #"{"event_id":"0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f","event_type":"create_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:12.481337Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","script":"print('hello, k8s')\n","language":"python","language_version":"3.11","runtime_image":"python:3.11-slim","runtime_command":["python","/scripts/main.py"],"runtime_filename":"main.py","timeout_seconds":5,"cpu_limit":"1000m","memory_limit":"128Mi","cpu_request":"200m","memory_request":"128Mi","priority":"normal"}"#

    /// The docs/upstream-contract.md §3.7 `delete_pod_command` sample.
    static let deletePodJSON =
        #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","reason":"Saga compensation due to failure","pod_name":null,"namespace":null}"#

    /// A `create_pod_command` object with one top-level field replaced (or removed when `value` is nil).
    static func createPod(setting key: String, to value: JSONValue?) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser().parse(createPodJSON) else { return [] }
        if let value { object.set(key, value) } else { object.removeAll(named: key) }
        return JSONWriter.encode(.object(object))
    }

    /// A `create_pod_command` object with one `metadata` field replaced (or removed when `value` is nil).
    static func createPod(settingMetadata key: String, to value: JSONValue?) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser().parse(createPodJSON),
            case .object(var metadata)? = object["metadata"]
        else { return [] }
        if let value { metadata.set(key, value) } else { metadata.removeAll(named: key) }
        object.set("metadata", .object(metadata))
        return JSONWriter.encode(.object(object))
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
