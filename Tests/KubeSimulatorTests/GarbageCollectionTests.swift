import Events
import KubeSimulator
import Testing

/// Compared with kube-controller-manager's garbage collector (pkg/controller/garbagecollector): dependents are
/// queued when their owner goes and handled on the collector's own schedule (`attemptToDeleteItem` reads the latest
/// owners, then deletes with a uid-only precondition); foreground deletion keeps the owner with the
/// `foregroundDeletion` finalizer until its blocking dependents are gone (Kubernetes documentation, "Garbage
/// Collection", "Foreground cascading deletion"); finalizers hold a deleted object, and none may be added then
/// (apimachinery `ValidateObjectMetaUpdate`).
@Suite("Garbage collection through ownerReferences")
struct GarbageCollectionTests {
    private func ownedConfigMap(_ name: String, ownerName: String, ownerUID: String) -> JSONValue {
        TestSupport.json(
            """
            {"metadata":{"name":"\(name)","ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"\(ownerName)","uid":"\(ownerUID)",
             "blockOwnerDeletion":false}]},"data":{"main.py":"print(1)"}}
            """)
    }

    private func setUp(_ client: SimulatorClient, suffix: String) throws -> String {
        let pod = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("owner-\(suffix)"))
        let uid = try #require(pod.object.text("metadata.uid"))
        #expect(
            try client.request(
                "POST", "/api/v1/namespaces/ns/configmaps",
                json: ownedConfigMap("script-\(suffix)", ownerName: "owner-\(suffix)", ownerUID: uid)
            ).status == 201)
        return uid
    }

    @Test("background (the default): the owned ConfigMap disappears with its Pod")
    func background() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try setUp(client, suffix: "bg")
        _ = try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("unowned"))
        let deleted = try client.request(
            "DELETE", "/api/v1/namespaces/ns/pods/owner-bg?gracePeriodSeconds=0&propagationPolicy=Background")
        #expect(deleted.status == 200)
        #expect(
            TestSupport.eventually {
                harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-bg") == nil
            })
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "unowned") != nil)
        #expect(harness.simulator.counters.garbageCollected == 1)
    }

    @Test("orphan: the ConfigMap stays and loses its ownerReference")
    func orphan() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try setUp(client, suffix: "or")
        let deleted = try client.request(
            "DELETE", "/api/v1/namespaces/ns/pods/owner-or",
            json: TestSupport.json(#"{"gracePeriodSeconds":0,"propagationPolicy":"Orphan"}"#))
        #expect(deleted.status == 200)
        let remaining = try client.request("GET", "/api/v1/namespaces/ns/configmaps/script-or")
        #expect(remaining.status == 200)
        #expect(remaining.object.value("metadata.ownerReferences") == nil)
    }

    @Test(
        "foreground: the owner stays with the foregroundDeletion finalizer until its dependents are gone; a dependent whose owner never existed is collected"
    )
    func foregroundAndDangling() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try setUp(client, suffix: "fg")
        let deleted = try client.request(
            "DELETE", "/api/v1/namespaces/ns/pods/owner-fg?propagationPolicy=Foreground&gracePeriodSeconds=0")
        #expect(deleted.status == 200)
        #expect(deleted.object.items("metadata.finalizers").isEmpty)
        #expect(deleted.object.value("metadata.finalizers")?.arrayValue == [.string("foregroundDeletion")])
        #expect(deleted.object.text("metadata.deletionTimestamp") != nil)
        #expect(
            harness.simulator.object(namespace: "ns", kind: "Pod", name: "owner-fg") != nil, "held by its finalizer")
        #expect(
            TestSupport.eventually {
                harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-fg") == nil
            })
        #expect(
            TestSupport.eventually { harness.simulator.object(namespace: "ns", kind: "Pod", name: "owner-fg") == nil })

        #expect(
            try client.request(
                "POST", "/api/v1/namespaces/ns/configmaps",
                json: ownedConfigMap("dangling", ownerName: "ghost", ownerUID: "00000000-0000-4000-8000-000000000000")
            ).status == 201)
        #expect(
            TestSupport.eventually {
                harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "dangling") == nil
            })
    }

    @Test("a uid precondition that does not match is a 409 and deletes nothing")
    func preconditions() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try setUp(client, suffix: "pc")
        let response = try client.request(
            "DELETE", "/api/v1/namespaces/ns/pods/owner-pc",
            json: TestSupport.json(#"{"preconditions":{"uid":"not-the-uid"}}"#))
        #expect(response.status == 409)
        #expect(harness.simulator.object(namespace: "ns", kind: "Pod", name: "owner-pc") != nil)
    }

    @Test(
        "asynchronous, as kube-controller-manager's: the dependent outlives its owner; a re-pointed dependent is still deleted once the collector decided (uid-only precondition)"
    )
    func asynchronousCollector() throws {
        let harness = try TestSupport.simulator { $0.garbageCollectionDelay = .milliseconds(300) }
        let client = try harness.client()
        _ = try setUp(client, suffix: "as")
        _ = try client.request("DELETE", "/api/v1/namespaces/ns/pods/owner-as?gracePeriodSeconds=0")
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-as") != nil)
        #expect(harness.simulator.garbageCollectorState(namespace: "ns", kind: "ConfigMap", name: "script-as") != nil)
        #expect(
            TestSupport.eventually {
                harness.simulator.garbageCollectorState(namespace: "ns", kind: "ConfigMap", name: "script-as")
                    == "deleting"
            })
        // Re-pointed at a new, live owner after the decision: the collector's delete carries only the uid.
        let newOwner = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("owner-new"))
        let newUID = try #require(newOwner.object.text("metadata.uid"))
        let repoint = try client.request(
            "PATCH", "/api/v1/namespaces/ns/configmaps/script-as",
            body: Array(
                #"{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"owner-new","uid":"\#(newUID)"}]}}"#
                    .utf8), contentType: "application/merge-patch+json")
        #expect(repoint.status == 200)
        #expect(
            TestSupport.eventually {
                harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-as") == nil
            })

        // Re-pointed before the decision, it is kept (the collector reads the owners when it decides).
        _ = try setUp(client, suffix: "kp")
        _ = try client.request("DELETE", "/api/v1/namespaces/ns/pods/owner-kp?gracePeriodSeconds=0")
        #expect(
            try client.request(
                "PATCH", "/api/v1/namespaces/ns/configmaps/script-kp",
                body: Array(
                    #"{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"owner-new","uid":"\#(newUID)"}]}}"#
                        .utf8), contentType: "application/merge-patch+json"
            ).status == 200)
        #expect(
            TestSupport.eventually {
                harness.simulator.garbageCollectorState(namespace: "ns", kind: "ConfigMap", name: "script-kp") == nil
            })
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-kp") != nil)
    }

    @Test("a finalizer keeps a deleted object until an update removes it; no new finalizer may be added meanwhile")
    func finalizers() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let held = TestSupport.json(#"{"metadata":{"name":"held","finalizers":["example.com/keep"]},"data":{"k":"v"}}"#)
        #expect(try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: held).status == 201)
        #expect(try client.request("DELETE", "/api/v1/namespaces/ns/configmaps/held").status == 200)
        let marked = try client.request("GET", "/api/v1/namespaces/ns/configmaps/held")
        #expect(marked.status == 200)
        #expect(marked.object.text("metadata.deletionTimestamp") != nil)
        let added = try client.request(
            "PATCH", "/api/v1/namespaces/ns/configmaps/held",
            body: Array(#"{"metadata":{"finalizers":["example.com/keep","example.com/more"]}}"#.utf8),
            contentType: "application/merge-patch+json")
        #expect(added.status == 422, "\(added.text)")
        #expect(
            try client.request(
                "PATCH", "/api/v1/namespaces/ns/configmaps/held",
                body: Array(#"{"metadata":{"finalizers":null}}"#.utf8),
                contentType: "application/merge-patch+json"
            ).status == 200)
        #expect(try client.request("GET", "/api/v1/namespaces/ns/configmaps/held").status == 404)
    }
}
