import Testing
@testable import Events

@Suite("Model encoding is byte-exact")
struct ModelEncodingTests {
    @Test("the sample create_pod_command round-trips and matches a hand-built model")
    func createPodSample() throws {
        let bytes = Samples.bytes(Samples.createPodJSON)
        let decoded = try CreatePodCommand.decode(bytes)
        #expect(decoded.encoded() == bytes)
        let built = CreatePodCommand(
            eventID: "0f4b6a9e-2d3c-4b1a-8e7f-6a5b4c3d2e1f",
            timestamp: try #require(
                Timestamp(year: 2026, month: 3, day: 6, hour: 21, minute: 29, second: 12, microsecond: 481_337)),
            aggregateID: "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90", metadata: Samples.metadata,
            sagaID: "c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34", executionID: "5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90",
            script: "print('hello, k8s')\n", language: "python", languageVersion: "3.11",
            runtimeImage: "python:3.11-slim", runtimeCommand: ["python", "/scripts/main.py"],
            runtimeFilename: "main.py", timeoutSeconds: 5, cpuLimit: "1000m", memoryLimit: "128Mi",
            cpuRequest: "200m", memoryRequest: "128Mi")
        #expect(built == decoded)
        #expect(built.encoded() == bytes)
        #expect(built.podName == "executor-5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90")
    }

    @Test("the sample delete_pod_command round-trips with null pod_name/namespace")
    func deletePodSample() throws {
        let bytes = Samples.bytes(Samples.deletePodJSON)
        let decoded = try DeletePodCommand.decode(bytes)
        #expect(decoded.podName == nil && decoded.namespace == nil)
        #expect(decoded.encoded() == bytes)
    }

    @Test(
        "execution_failed with resource_usage equals pydantic's output",
        arguments: OracleVectors.executionFailedWithUsage.indices)
    func executionFailedWithUsage(index: Int) throws {
        let vector = OracleVectors.executionFailedWithUsage[index]
        let event = ExecutionFailedEvent(
            eventID: "id-1",
            timestamp: try #require(
                Timestamp(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, microsecond: 999_999)),
            aggregateID: nil,
            metadata: EventMetadata(serviceName: "pod-monitor", serviceVersion: "1.0.0", userID: "u-1"),
            executionID: "x", exitCode: 137, errorType: .resourceLimit,
            resourceUsage: ResourceUsage(
                executionTimeWallSeconds: vector.wall, cpuTimeJiffies: 12, clkTckHertz: 100, peakMemoryKB: 2048),
            stdout: "out\u{1}\u{7f}", stderr: "é\t\"q\"\\")
        #expect(String(decoding: event.encoded(), as: UTF8.self) == vector.json)
        #expect(try ExecutionFailedEvent.decode(Array(vector.json.utf8)) == event)
    }

    @Test("AnyEvent.encoded delegates to the wrapped event")
    func anyEventEncoding() throws {
        let bytes = Samples.bytes(Samples.deletePodJSON)
        let event = try AnyEvent.decode(bytes)
        guard case .deletePodCommand(let command) = event else {
            Issue.record("expected a delete command, got \(event)")
            return
        }
        #expect(event.encoded() == command.encoded())
        #expect(event.eventType == .deletePodCommand)
    }
}
