import Events
import KubeManifests
import Testing

@Suite("Deleting an execution's Pod")
struct PodDeletionTests {
    static let deletePodJSON =
        #"{"event_id":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","event_type":"delete_pod_command","event_version":"1.0","timestamp":"2026-03-06T21:29:15.004200Z","aggregate_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","metadata":{"service_name":"saga-orchestrator","service_version":"1.0.0","user_id":"7e2d4c1b-5a3f-4b8e-9c6d-1f0a2b3c4d5e","environment":"production"},"saga_id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34","execution_id":"5b0f0f6e-3c1a-4f7e-9d2b-8a6c4e2f1d90","reason":"Saga compensation due to failure","pod_name":null,"namespace":null}"#

    private func command() throws -> DeletePodCommand { try DeletePodCommand.decode(Array(Self.deletePodJSON.utf8)) }

    @Test("the sample command deletes executor-<id> in the configured namespace, in the background")
    func sample() throws {
        let deletion = try PodDeletion(command: command(), settings: ManifestSettings())
        #expect(deletion.name == "executor-\(Samples.executionID)" && deletion.namespace == "integr8scode")
        #expect(deletion.path == "/api/v1/namespaces/integr8scode/pods/executor-\(Samples.executionID)")
        #expect(
            String(decoding: JSONWriter.encode(deletion.body), as: UTF8.self)
                == #"{"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":5,"propagationPolicy":"Background"}"#
        )
    }

    @Test("pod_name and namespace, when present, must name the same target")
    func targetChecked() throws {
        var matching = try command()
        matching.podName = "executor-\(Samples.executionID)"
        matching.namespace = "integr8scode"
        #expect(throws: Never.self) { try PodDeletion(command: matching, settings: ManifestSettings()) }
        var otherPod = try command()
        otherPod.podName = "kube-apiserver"
        #expect(throws: ManifestError.self) { try PodDeletion(command: otherPod, settings: ManifestSettings()) }
        var otherNamespace = try command()
        otherNamespace.namespace = "kube-system"
        #expect(throws: ManifestError.self) { try PodDeletion(command: otherNamespace, settings: ManifestSettings()) }
        var badID = try command()
        badID.executionID = "../x"
        #expect(throws: ManifestError.self) { try PodDeletion(command: badID, settings: ManifestSettings()) }
    }
}
