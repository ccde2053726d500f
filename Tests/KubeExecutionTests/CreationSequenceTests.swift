import Events
import IPC
import KubeAccess
import KubeClient
import KubeManifests
import KubeSimulator
import Testing

/// The create sequence — gated Pod, owned ConfigMap, gate removed — at every crash point, against the simulator's
/// scheduler and kubelet models (a gated Pod is never scheduled; an unmounted one counts its deadline) under the
/// shipped rbac.yaml. A "crash" ends the attempt at that call (before it, or after it with the answer lost); the
/// redelivery is a new attempt with the real client.
@Suite struct CreationSequenceTests {
    /// Fails the first call matching `method` and `pathSuffix`, before it runs or (`afterwards`) after it ran.
    final class CrashingAPI: KubernetesAPI, @unchecked Sendable {
        let inner: any KubernetesAPI
        let method: String
        let pathSuffix: String
        let afterwards: Bool
        private var crashed = false

        init(_ inner: any KubernetesAPI, _ method: String, _ pathSuffix: String, afterwards: Bool = false) {
            self.inner = inner
            self.method = method
            self.pathSuffix = pathSuffix
            self.afterwards = afterwards
        }

        private func crash(_ method: String, _ path: String) -> Bool {
            guard !crashed, method == self.method, path.hasSuffix(pathSuffix) else { return false }
            crashed = true
            return true
        }

        private static let lost = KubeAPIError(
            kind: .transport, code: 0, reason: "crash", message: "the attempt ended here", attempts: 1)

        private func around(
            _ method: String, _ path: String, _ call: () throws(KubeAPIError) -> JSONValue
        ) throws(KubeAPIError) -> JSONValue {
            let crash = crash(method, path)
            if crash && !afterwards { throw Self.lost }
            let result = try call()
            if crash { throw Self.lost }
            return result
        }

        func create(_ collectionPath: String, body: [UInt8], deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
            try around("POST", collectionPath) { () throws(KubeAPIError) in
                try inner.create(collectionPath, body: body, deadline: deadline)
            }
        }
        func get(_ path: String, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
            try around("GET", path) { () throws(KubeAPIError) in try inner.get(path, deadline: deadline) }
        }
        func delete(_ path: String, body: [UInt8]?, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
            try around("DELETE", path) { () throws(KubeAPIError) in
                try inner.delete(path, body: body, deadline: deadline)
            }
        }
        func patch(
            _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
        ) throws(KubeAPIError) -> JSONValue {
            try around("PATCH", path) { () throws(KubeAPIError) in
                try inner.patch(path, body: body, contentType: contentType, query: query, deadline: deadline)
            }
        }
    }

    private static func cluster() throws -> ClusterHarness {
        try ClusterHarness {
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(20), succeededAfter: nil)
        }
    }

    private static func gates(_ pod: JSONObject?) -> [String] {
        (pod?["spec"]?.objectValue?["schedulingGates"]?.arrayValue ?? []).compactMap {
            $0.objectValue?["name"]?.stringValue
        }
    }

    private static func nodeName(_ pod: JSONObject?) -> String? {
        pod?["spec"]?.objectValue?["nodeName"]?.stringValue
    }

    private static func phase(_ pod: JSONObject?) -> String? {
        pod?["status"]?.objectValue?["phase"]?.stringValue
    }

    /// Runs another execution to Running: proof that the scheduler and kubelet model had time to act meanwhile.
    private static func runControl(_ cluster: ClusterHarness) throws {
        let control = freshExecutionID()
        guard case .created = try cluster.run(createCommand(control)) else {
            Issue.record("the control execution was not created")
            return
        }
        #expect(TestPolling.eventually { phase(cluster.pod(control)) == "Running" })
    }

    @Test(
        "crash after the Pod: it stays gated and unscheduled, no ConfigMap, none orphaned; the redelivery creates the ConfigMap and releases it"
    )
    func crashAfterPod() throws {
        let cluster = try Self.cluster()
        let id = freshExecutionID()
        let crashing = CrashingAPI(cluster.workerClient, "POST", "/configmaps")
        guard case .retryLater = try cluster.run(createCommand(id), api: crashing) else {
            Issue.record("the crashed attempt did not ask for a retry")
            return
        }
        try Self.runControl(cluster)
        #expect(Self.gates(cluster.pod(id)) == [ManifestLabels.scriptGate])
        #expect(Self.nodeName(cluster.pod(id)) == nil, "a gated Pod is never scheduled")
        #expect(cluster.configMap(id) == nil)
        #expect(cluster.orphanConfigMaps().isEmpty)

        guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("the redelivery did not create")
            return
        }
        #expect(Self.gates(cluster.pod(id)).isEmpty)
        #expect(cluster.configMap(id) != nil)
        #expect(TestPolling.eventually { Self.phase(cluster.pod(id)) == "Running" })
        #expect(cluster.simulator.mountFailure(namespace: cluster.namespace, pod: "executor-" + id) == nil)
        #expect(cluster.simulator.authorizationDenials().isEmpty)
    }

    @Test(
        "crash after the ConfigMap (before or after the release): the Pod runs only with its script; the redelivery adopts both"
    )
    func crashAfterConfigMap() throws {
        for afterwards in [false, true] {
            let cluster = try Self.cluster()
            let id = freshExecutionID()
            let crashing = CrashingAPI(cluster.workerClient, "PATCH", "/pods/executor-" + id, afterwards: afterwards)
            guard case .retryLater = try cluster.run(createCommand(id), api: crashing) else {
                Issue.record("the crashed attempt did not ask for a retry (released: \(afterwards))")
                continue
            }
            #expect(cluster.configMap(id) != nil)
            #expect(cluster.orphanConfigMaps().isEmpty)
            if !afterwards {
                try Self.runControl(cluster)
                #expect(Self.nodeName(cluster.pod(id)) == nil, "still gated")
            }
            guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
                Issue.record("the redelivery did not create (released: \(afterwards))")
                continue
            }
            #expect(Self.gates(cluster.pod(id)).isEmpty)
            #expect(TestPolling.eventually { Self.phase(cluster.pod(id)) == "Running" })
            #expect(cluster.simulator.mountFailure(namespace: cluster.namespace, pod: "executor-" + id) == nil)
            #expect(cluster.orphanConfigMaps().isEmpty)
        }
    }

    @Test("a Pod of this command that already finished is reported again and nothing is created")
    func finishedPodIsNotRecreated() throws {
        let cluster = try Self.cluster()
        let id = freshExecutionID()
        guard case .created(_, _, let uid) = try cluster.run(createCommand(id)) else {
            Issue.record("the create failed")
            return
        }
        try cluster.simulator.setPodPhase(namespace: cluster.namespace, name: "executor-" + id, phase: "Failed")
        _ = try cluster.client.delete(
            "/api/v1/namespaces/\(cluster.namespace)/configmaps/script-\(id)", body: nil, deadline: .after(.seconds(5)))
        let before = cluster.simulator.nextRequestSequence
        guard case .created(_, _, let again) = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("the redelivery was not reported as created")
            return
        }
        #expect(again == uid)
        let calls = cluster.simulator.requests(after: before - 1).map { "\($0.method) \($0.resource) \($0.status)" }
        #expect(calls == ["POST pods 409", "GET pods 200"], "\(calls)")
        #expect(cluster.configMap(id) == nil, "no ConfigMap for a Pod that will never run")
    }

    @Test(
        "a ConfigMap left by an earlier Pod of the execution is replaced, not re-pointed: a new uid, owned by the new Pod"
    )
    func leftoverIsReplaced() throws {
        let cluster = try Self.cluster()
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the create failed")
            return
        }
        let oldUID = cluster.configMap(id)?["metadata"]?.objectValue?["uid"]?.stringValue
        #expect(try cluster.removePodLeavingConfigMap(id))
        guard case .created(_, _, let podUID) = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("the create after the Pod was removed failed")
            return
        }
        let configMap = cluster.configMap(id)
        #expect(configMap?["metadata"]?.objectValue?["uid"]?.stringValue != oldUID)
        let owners = (configMap?["metadata"]?.objectValue?["ownerReferences"]?.arrayValue ?? []).compactMap {
            $0.objectValue?["uid"]?.stringValue
        }
        #expect(owners == [podUID])
        #expect(TestPolling.eventually { Self.phase(cluster.pod(id)) == "Running" })
        #expect(cluster.simulator.authorizationDenials().isEmpty)
    }

    @Test(
        "asynchronous garbage collection: a redelivery after the collector decided to delete the old Pod's ConfigMap still runs with its script"
    )
    func noConfigMapLostToTheCollector() throws {
        let cluster = try ClusterHarness {
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(20), succeededAfter: nil)
            $0.garbageCollectionDelay = .milliseconds(300)
        }
        let id = freshExecutionID()
        guard case .created = try cluster.run(createCommand(id)) else {
            Issue.record("the create failed")
            return
        }
        _ = try cluster.client.delete(
            "/api/v1/namespaces/\(cluster.namespace)/pods/executor-\(id)",
            body: Array(#"{"gracePeriodSeconds":0,"propagationPolicy":"Background"}"#.utf8),
            deadline: .after(.seconds(5)))
        #expect(
            TestPolling.eventually {
                cluster.simulator.garbageCollectorState(
                    namespace: cluster.namespace, kind: "ConfigMap", name: "script-" + id)
                    == "deleting"
            })
        // The redelivery meets the doomed ConfigMap; re-pointing it would lose it to the collector's uid-only delete.
        guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("the redelivery failed")
            return
        }
        #expect(
            TestPolling.eventually {
                cluster.simulator.garbageCollectorState(
                    namespace: cluster.namespace, kind: "ConfigMap", name: "script-" + id)
                    == nil
            })
        #expect(cluster.configMap(id) != nil, "the execution kept its ConfigMap")
        #expect(TestPolling.eventually { Self.phase(cluster.pod(id)) == "Running" })
        #expect(cluster.simulator.mountFailure(namespace: cluster.namespace, pod: "executor-" + id) == nil)
        #expect(cluster.simulator.authorizationDenials().isEmpty)
    }
}
