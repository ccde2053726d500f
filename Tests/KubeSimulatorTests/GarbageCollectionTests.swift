import Events
import KubeSimulator
import Testing

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

    @Test("foreground deletes dependents too; a dependent whose owner never existed is collected")
    func foregroundAndDangling() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try setUp(client, suffix: "fg")
        _ = try client.request("DELETE", "/api/v1/namespaces/ns/pods/owner-fg?propagationPolicy=Foreground")
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "script-fg") == nil)

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
}
