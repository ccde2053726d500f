import Glibc
import Events
import IPC
import KubeClient
import KubeExecution
import KubeSimulator
import TestKit
import Testing

/// `create_pod_command` against the simulator over TLS: objects, ownership, idempotency, faults, no orphans.
@Suite struct CreateFlowTests {
    @Test("create: a Pod and its ConfigMap, owned by the Pod; the outcome names the Pod and its uid")
    func createsPodAndOwnedConfigMap() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id))
        let pod = try #require(cluster.pod(id))
        let configMap = try #require(cluster.configMap(id))
        let uid = try #require(pod["metadata"]?.objectValue?["uid"]?.stringValue)
        #expect(outcome == .created(podName: "executor-" + id, namespace: cluster.namespace, uid: uid))
        let owners = configMap["metadata"]?.objectValue?["ownerReferences"]?.arrayValue ?? []
        #expect(owners.count == 1)
        #expect(owners.first?.objectValue?["uid"]?.stringValue == uid)
        #expect(owners.first?.objectValue?["kind"]?.stringValue == "Pod")
        #expect(pod["metadata"]?.objectValue?["labels"]?.objectValue?["execution-id"]?.stringValue == id)
        #expect(cluster.orphanConfigMaps().isEmpty)
    }

    @Test("create twice: the same objects, the same uid, nothing duplicated")
    func createIsIdempotent() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let first = try cluster.run(createCommand(id))
        let second = try cluster.run(createCommand(id), attempt: 2)
        #expect(first == second)
        #expect(cluster.pods().count == 1)
        #expect(cluster.configMaps().count == 1)
    }

    @Test("a crash between the two objects: the retry adopts the Pod and adds the ConfigMap")
    func crashBetweenPodAndConfigMap() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        // Only the Pod's create gets through; the ConfigMap create is cut off as if the worker had died.
        let podOnly = FailingAPI(cluster.workerClient) { method, path in
            method == "POST" && path.hasSuffix("/configmaps")
                ? KubeAPIError(kind: .transport, reason: "simulated crash", message: "worker died", attempts: 1) : nil
        }
        guard case .retryLater = try cluster.run(createCommand(id), api: podOnly) else {
            Issue.record("a transient ConfigMap failure must ask for a retry")
            return
        }
        #expect(cluster.pod(id) != nil)
        #expect(cluster.configMap(id) == nil)
        let outcome = try cluster.run(createCommand(id), attempt: 2)
        let uid = try #require(cluster.pod(id)?["metadata"]?.objectValue?["uid"]?.stringValue)
        #expect(outcome == .created(podName: "executor-" + id, namespace: cluster.namespace, uid: uid))
        #expect(cluster.configMap(id) != nil)
        #expect(cluster.orphanConfigMaps().isEmpty)
    }

    @Test("AlreadyExists for a Pod that is not ours: failed, and nothing of ours is created")
    func foreignPodIsNotAdopted() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let foreign =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"executor-\#(id)","labels":{"app":"someone-else"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}"#
        _ = try cluster.client.create(
            "/api/v1/namespaces/\(cluster.namespace)/pods", body: Array(foreign.utf8), deadline: .after(.seconds(5)))
        let outcome = try cluster.run(createCommand(id))
        guard case .failed(let reason) = outcome else {
            Issue.record("expected a permanent failure, got \(outcome)")
            return
        }
        #expect(reason.contains("not created for this execution"))
        #expect(cluster.configMap(id) == nil)
        #expect(
            cluster.pod(id)?["metadata"]?.objectValue?["labels"]?.objectValue?["app"]?.stringValue == "someone-else")
    }

    @Test("a leftover ConfigMap of this execution owned by an earlier Pod is re-pointed at the new Pod")
    func leftoverConfigMapIsReowned() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        _ = try cluster.run(createCommand(id))
        #expect(try cluster.removePodLeavingConfigMap(id))
        let outcome = try cluster.run(createCommand(id), attempt: 2)
        let uid = try #require(cluster.pod(id)?["metadata"]?.objectValue?["uid"]?.stringValue)
        #expect(outcome == .created(podName: "executor-" + id, namespace: cluster.namespace, uid: uid))
        let owners = cluster.configMap(id)?["metadata"]?.objectValue?["ownerReferences"]?.arrayValue ?? []
        #expect(owners.compactMap { $0.objectValue?["uid"]?.stringValue } == [uid])
    }

    @Test("a refused command (runtime outside the allowlist) fails without a single API call")
    func refusedCommandMakesNoCalls() throws {
        let cluster = try ClusterHarness()
        let before = cluster.simulator.nextRequestSequence
        let outcome = try cluster.run(createCommand(freshExecutionID(), image: "evil/miner:latest"))
        guard case .failed(let reason) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.hasPrefix("Failed to create pod: "))
        #expect(!reason.contains("MARKER-SCRIPT"))
        #expect(cluster.simulator.nextRequestSequence == before)
    }

    @Test(
        "each transient fault kind on the Pod create is retried; the execution is created once",
        arguments: FaultRule.Kind.allCases)
    func transientFaultsAreRetried(kind: FaultRule.Kind) throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(kind, retryAfterSeconds: 0, verbs: ["create"], resources: ["pods"], remaining: 2)
            ]))
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id))
        guard case .created = outcome else {
            Issue.record("\(kind): expected created, got \(outcome)")
            return
        }
        let creates = cluster.simulator.requestLog.filter { $0.verb == "create" && $0.resource == "pods" }
        #expect(creates.count == 3, "\(kind): two faults, then success")
        #expect(cluster.pods().count == 1)
        #expect(cluster.orphanConfigMaps().isEmpty)
    }

    @Test("a Pod create whose response is lost after it happened: the retry meets AlreadyExists and adopts it")
    func lostResponseIsAdopted() throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.drop, verbs: ["create"], resources: ["pods"], remaining: 1, afterExecution: true)
            ]))
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id))
        guard case .created = outcome else {
            Issue.record("expected created, got \(outcome)")
            return
        }
        #expect(
            cluster.simulator.requestLog.contains { $0.verb == "create" && $0.resource == "pods" && $0.status == 409 })
        #expect(cluster.pods().count == 1 && cluster.configMaps().count == 1)
    }

    @Test("over HTTP/2 through nghttpx, a Pod create whose answer is lost (502) is retried, meets 409 and adopts it")
    func lostResponseIsAdoptedOverHTTP2() throws {
        let cluster = try ClusterHarness(http2: true)
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [
                FaultRule(.drop, verbs: ["create"], resources: ["pods"], remaining: 1, afterExecution: true)
            ]))
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id))
        guard case .created = outcome else {
            Issue.record("expected created, got \(outcome)")
            return
        }
        let podCreates = cluster.simulator.requestLog.filter { $0.verb == "create" && $0.resource == "pods" }
        #expect(podCreates.map(\.status) == [0, 409], "dropped after it ran, then AlreadyExists")
        #expect(cluster.pods().count == 1 && cluster.configMaps().count == 1)
        let log = try #require(cluster.proxy).accessLog()
        #expect(log.allSatisfy { $0.alpn == "h2" })
        #expect(log.filter { $0.method == "POST" }.map(\.status).prefix(2) == [502, 409])
    }

    @Test("an API down past the deadline: retry later, never failed; nothing half-made is left without its owner")
    func outageAsksForRetry() throws {
        let cluster = try ClusterHarness()
        cluster.simulator.setFaults(
            FaultConfiguration(rules: [FaultRule(.serviceUnavailable, verbs: ["create"], resources: ["configmaps"])]))
        let id = freshExecutionID()
        let outcome = try cluster.run(createCommand(id), deadline: .seconds(2))
        guard case .retryLater(let reason, _) = outcome else {
            Issue.record("expected retryLater, got \(outcome)")
            return
        }
        #expect(reason.contains("503"))
        #expect(cluster.configMap(id) == nil)
        cluster.simulator.resetFaults()
        guard case .created = try cluster.run(createCommand(id), attempt: 2) else {
            Issue.record("after the outage the retry must create it")
            return
        }
        #expect(cluster.orphanConfigMaps().isEmpty)
    }

    @Test("a ConfigMap refused for good: the Pod is deleted again and the command fails")
    func permanentConfigMapFailureRemovesThePod() throws {
        let cluster = try ClusterHarness()
        let id = freshExecutionID()
        let refusing = FailingAPI(cluster.workerClient) { method, path in
            method == "POST" && path.hasSuffix("/configmaps")
                ? KubeAPIError(kind: .invalid, code: 422, reason: "Invalid", message: "data: Too long", attempts: 1)
                : nil
        }
        let outcome = try cluster.run(createCommand(id), api: refusing)
        guard case .failed(let reason) = outcome else {
            Issue.record("expected failed, got \(outcome)")
            return
        }
        #expect(reason.contains("invalid"))
        #expect(!reason.contains("Too long"), "the server's message stays in the log")
        #expect(TestPolling.eventually { cluster.pod(id) == nil })
        #expect(cluster.configMaps().isEmpty)
    }

    @Test("the created Pod passes Pod Security 'restricted' enforced by the namespace")
    func podPassesRestricted() throws {
        let cluster = try ClusterHarness()
        try cluster.simulator.setNamespaceLabels(
            cluster.namespace, labels: ["pod-security.kubernetes.io/enforce": "restricted"])
        let outcome = try cluster.run(createCommand(freshExecutionID()))
        guard case .created = outcome else {
            Issue.record("expected created, got \(outcome)")
            return
        }
    }
}

enum TestPolling {
    /// Polls `condition` until it holds or `seconds` pass.
    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
        Poll.until(timeout: .milliseconds(Int(seconds * 1000)), every: .milliseconds(5), condition)
    }
}
