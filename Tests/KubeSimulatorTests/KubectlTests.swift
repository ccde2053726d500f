import Events
import KubeSimulator
import Testing

@Suite("Real kubectl against the simulator")
struct KubectlTests {
    private func kubectl(_ harness: Harness, _ arguments: [String]) throws -> Subprocess.Result {
        try harness.kubectl(arguments)
    }

    @Test("kubectl get pods,configmaps -n ns -o json lists the objects created through the API")
    func getPodsAndConfigMaps() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("executor-1")).status == 201)
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("script-1"))
                .status == 201)

        let result = try kubectl(harness, ["get", "pods,configmaps", "-n", "ns", "-o", "json"])
        #expect(result.status == 0, "kubectl failed: \(result.standardError)")
        let list = try #require(
            TestSupport.json(result.standardOutput).objectValue, "kubectl printed no JSON: \(result.standardOutput)")
        #expect(list.text("kind") == "List")
        let items = list.items()
        #expect(
            items.map { "\($0.text("kind") ?? "")/\($0.text("metadata.name") ?? "")" } == [
                "Pod/executor-1", "ConfigMap/script-1",
            ])
        #expect(items.first?.text("status.phase") == "Pending")
    }

    @Test("kubectl get namespace -o json, and the client-certificate context")
    func getNamespace() throws {
        let harness = try TestSupport.simulator()
        let namespace = try kubectl(harness, ["get", "namespace", "ns", "-o", "json"])
        #expect(namespace.status == 0, "kubectl failed: \(namespace.standardError)")
        let object = try #require(TestSupport.json(namespace.standardOutput).objectValue)
        #expect(object.text("kind") == "Namespace")
        #expect(object.text("metadata.name") == "ns")
        #expect(object.text("status.phase") == "Active")

        let viaCertificate = try kubectl(harness, ["--context", "client-cert", "get", "namespaces", "-o", "name"])
        #expect(viaCertificate.status == 0, "kubectl failed: \(viaCertificate.standardError)")
        #expect(viaCertificate.standardOutput.contains("namespace/ns"))
        #expect(harness.simulator.requestLog.contains { $0.user == "k8s-worker" && $0.resource == "namespaces" })
    }
}
