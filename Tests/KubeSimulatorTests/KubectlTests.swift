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

    @Test(
        "kubectl get ds shows the DaemonSet controller's counts; an unpullable image leaves its Pod in ErrImagePull (kubelet)"
    )
    func getDaemonSets() throws {
        let harness = try TestSupport.simulator { $0.unpullableImages = ["missing:1"] }
        let client = try harness.client()
        func daemonSet(_ name: String, image: String) -> JSONValue {
            TestSupport.json(
                #"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"\#(name)"},"spec":{"selector":{"matchLabels":{"name":"\#(name)"}},"template":{"metadata":{"labels":{"name":"\#(name)"}},"spec":{"containers":[{"name":"c","image":"\#(image)"}]}}}}"#
            )
        }
        #expect(
            try client.request(
                "POST", "/apis/apps/v1/namespaces/ns/daemonsets", json: daemonSet("good", image: "busybox:1")
            )
            .status == 201)
        #expect(
            try client.request(
                "POST", "/apis/apps/v1/namespaces/ns/daemonsets", json: daemonSet("bad", image: "missing:1")
            )
            .status == 201)
        var table = ""
        let settled = TestSupport.eventually {
            table = (try? kubectl(harness, ["get", "ds", "-n", "ns"]).standardOutput) ?? ""
            return table.contains("good") && table.contains("bad")
                && table.split(separator: "\n").contains {
                    $0.split(separator: " ").prefix(7) == ["bad", "1", "1", "0", "1", "0", "<none>"]
                }
        }
        #expect(settled, "\(table)")
        let lines = table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first?.prefix(7) == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE"])
        #expect(lines.contains { $0.prefix(7) == ["good", "1", "1", "1", "1", "1", "<none>"] }, "\(table)")
        let pods = try kubectl(harness, ["get", "pods", "-n", "ns"]).standardOutput
        let podLines = pods.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(podLines.contains { $0.prefix(3) == ["bad-g1", "0/1", "ErrImagePull"] }, "\(pods)")
        #expect(podLines.contains { $0.prefix(3) == ["good-g1", "1/1", "Running"] }, "\(pods)")
    }
}
