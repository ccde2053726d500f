import Events
import IPC
import KubeClient
import KubeExecution
import KubeSimulator
import Testing

/// A create whose names are taken by this execution's objects: a redelivery of the same command adopts them,
/// another command with the same execution id (another script, another saga) fails and leaves them untouched.
@Suite struct CreateConflictTests {
    static let conflictReason = "conflict: the execution_id is already used by another command"

    /// The execution's Pod and ConfigMap as the simulator holds them, resourceVersion included.
    struct Snapshot: Equatable {
        var pod: JSONObject?
        var configMap: JSONObject?
        init(_ cluster: ClusterHarness, _ id: String) {
            pod = cluster.pod(id)
            configMap = cluster.configMap(id)
        }
    }

    /// Runs `command` after the identical first create of `id`; expects a conflict and the first objects untouched
    /// (same content and resourceVersion, and no write of any kind sent to them).
    func expectConflict(_ command: [UInt8], after id: String, in cluster: ClusterHarness) throws {
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the first create must succeed")
            return
        }
        let before = Snapshot(cluster, id)
        #expect(before.pod != nil && before.configMap != nil)
        let sequence = cluster.simulator.nextRequestSequence
        let outcome = try cluster.run(command, attempt: 2)
        #expect(outcome == .failed(reason: "Failed to create the Pod: " + Self.conflictReason))
        #expect(Snapshot(cluster, id) == before, "the first command's objects are unchanged")
        let calls = cluster.simulator.requests(after: sequence - 1).map { "\($0.verb) \($0.resource) \($0.status)" }
        #expect(
            calls == ["create pods 409", "get pods 200"], "only the create that met the Pod and the GET that read it")
    }

    @Test(
        "a redelivery of the identical command (or a copy re-sent with a new event id) adopts the objects and reports created"
    )
    func redeliveryAdopts() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let first = try cluster.run(createCommand(id))
        let before = Snapshot(cluster, id)
        let uid = try #require(before.pod?["metadata"]?.objectValue?["uid"]?.stringValue)
        #expect(first == .created(podName: "executor-" + id, namespace: cluster.namespace, uid: uid))
        #expect(try cluster.run(createCommand(id), attempt: 2) == first)
        #expect(
            try cluster.run(createCommand(id, eventID: "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f"), attempt: 3) == first)
        #expect(Snapshot(cluster, id) == before)
        #expect(cluster.pods().count == 1 && cluster.configMaps().count == 1)
    }

    @Test("the same execution id with another script: failed with the conflict, the first Pod and ConfigMap untouched")
    func anotherScriptConflicts() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        try expectConflict(createCommand(id, script: "print('ANOTHER-SCRIPT')\n"), after: id, in: cluster)
        #expect(cluster.configMap(id)?["data"]?.objectValue?["main.py"]?.stringValue == "print('MARKER-SCRIPT')\n")
    }

    @Test("the same execution id and script from another saga: failed with the conflict, the objects untouched")
    func anotherSagaConflicts() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        try expectConflict(createCommand(id, sagaID: "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b"), after: id, in: cluster)
    }

    @Test(
        "an empty saga id (no saga annotation on either side) still adopts on a redelivery; a saga id then is a conflict"
    )
    func emptySagaID() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let first = try cluster.run(createCommand(id, sagaID: ""))
        guard case .created = first else {
            Issue.record("expected created, got \(first)")
            return
        }
        #expect(try cluster.run(createCommand(id, sagaID: ""), attempt: 2) == first)
        #expect(
            try cluster.run(createCommand(id), attempt: 3)
                == .failed(reason: "Failed to create the Pod: " + Self.conflictReason))
    }

    @Test("a Pod of this execution without a command digest (an older worker's, upstream's) is not adopted")
    func podWithoutDigestConflicts() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let older =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-\#(id)","labels":{"app":"integr8s","component":"executor","execution-id":"\#(id)"},"annotations":{"integr8s.io/saga-id":"c3a1e7d2-9b4f-4e8a-a6d5-2f7b1c9e0a34"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
        _ = try cluster.client.create(
            "/api/v1/namespaces/\(cluster.namespace)/pods", body: Array(older.utf8), deadline: .after(.seconds(5)))
        let before = cluster.pod(id)
        #expect(
            try cluster.run(createCommand(id)) == .failed(reason: "Failed to create the Pod: " + Self.conflictReason))
        #expect(cluster.pod(id) == before)
        #expect(cluster.configMap(id) == nil)
    }

    @Test(
        "a leftover ConfigMap of another command: the new Pod is removed again, the ConfigMap is neither re-owned nor changed"
    )
    func leftoverConfigMapOfAnotherCommand() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        _ = try cluster.run(createCommand(id))
        #expect(try cluster.removePodLeavingConfigMap(id))
        let leftover = cluster.configMap(id)
        let outcome = try cluster.run(createCommand(id, script: "print('ANOTHER-SCRIPT')\n"), attempt: 2)
        #expect(outcome == .failed(reason: "Failed to create the script ConfigMap: " + Self.conflictReason))
        #expect(
            TestPolling.eventually { cluster.pod(id) == nil },
            "the Pod that would have mounted another command's script")
        #expect(cluster.configMap(id) == leftover)
    }

    @Test("after a conflict, a delete for the execution removes its objects as before")
    func deleteAfterConflict() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        try expectConflict(createCommand(id, script: "print('ANOTHER-SCRIPT')\n"), after: id, in: cluster)
        #expect(try cluster.run(deleteCommand(id)) == .deleted(podName: "executor-" + id, namespace: cluster.namespace))
        #expect(TestPolling.eventually { cluster.pod(id) == nil && cluster.configMap(id) == nil })
    }
}
