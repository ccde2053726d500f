import Events
import KubeSimulator
import Testing

/// ResourceQuota objects and their admission of Pods, and the webhook fault: the two refusals a real cluster gives
/// that clear (a full quota) or do not (a broken webhook).
@Suite("ResourceQuota admission and the webhook fault")
struct ResourceQuotaTests {
    static func quota(_ name: String, hard: [String: String]) -> JSONValue {
        .object(
            JSONObject([
                .init(key: "apiVersion", value: .string("v1")), .init(key: "kind", value: .string("ResourceQuota")),
                .init(key: "metadata", value: .object(JSONObject([.init(key: "name", value: .string(name))]))),
                .init(
                    key: "spec",
                    value: .object(JSONObject([.init(key: "hard", value: .object(TestSupport.strings(hard)))]))),
            ]))
    }

    /// A Pod requesting and limited to the given CPU and memory.
    static func pod(_ name: String, cpu: String, memory: String) -> JSONValue {
        TestSupport.json(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},
             "spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","1"],
               "resources":{"requests":{"cpu":"\(cpu)","memory":"\(memory)"},"limits":{"cpu":"\(cpu)","memory":"\(memory)"}}}]}}
            """)
    }

    @Test("a Pod over the pods count gets the quota plugin's 403 Status; a finished Pod frees its place")
    func podCount() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        #expect(
            try client.request(
                "POST", "/api/v1/namespaces/ns/resourcequotas", json: Self.quota("pod-count", hard: ["pods": "2"])
            )
            .status == 201)
        for name in ["a", "b"] {
            #expect(try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod(name)).status == 201)
        }
        let refused = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("c"))
        // The real server's answer (kubernetes plugin/pkg/admission/resourcequota/controller.go, CheckRequest, through
        // admission.NewForbidden → apierrors.NewForbidden): reason Forbidden, details name and kind, code 403, and the
        // message `pods "c" is forbidden: exceeded quota: <name>, requested: …, used: …, limited: …`.
        #expect(refused.status == 403)
        #expect(refused.object.text("kind") == "Status")
        #expect(refused.object.text("status") == "Failure")
        #expect(refused.object.text("reason") == "Forbidden")
        #expect(refused.object.value("code")?.numberValue?.int64Value == 403)
        #expect(refused.object.text("details.name") == "c")
        #expect(refused.object.text("details.kind") == "pods")
        #expect(
            refused.object.text("message")
                == #"pods "c" is forbidden: exceeded quota: pod-count, requested: pods=1, used: pods=2, limited: pods=2"#
        )
        #expect(harness.simulator.object(namespace: "ns", kind: "Pod", name: "c") == nil, "nothing was stored")

        // A Pod in a terminal phase no longer counts (QuotaV1Pod), so the next create fits.
        try harness.simulator.setPodPhase(namespace: "ns", name: "a", phase: "Succeeded")
        #expect(try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("c")).status == 201)
        // Quotas are per namespace: another namespace is not limited by this one.
        #expect(
            try client.request("POST", "/api/v1/namespaces", json: TestSupport.json(#"{"metadata":{"name":"other"}}"#))
                .status == 201)
        #expect(try client.request("POST", "/api/v1/namespaces/other/pods", json: TestSupport.pod("d")).status == 201)
    }

    @Test("compute resources: only the exceeded ones are listed, sorted, in the server's quantity format")
    func computeResources() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let hard = [
            "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "1Gi",
            "count/pods": "10",
        ]
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/resourcequotas", json: Self.quota("compute", hard: hard))
                .status == 201)
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/pods", json: Self.pod("a", cpu: "800m", memory: "512Mi"))
                .status == 201)
        let refused = try client.request(
            "POST", "/api/v1/namespaces/ns/pods", json: Self.pod("b", cpu: "300m", memory: "256Mi"))
        #expect(refused.status == 403)
        #expect(
            refused.object.text("message")
                == #"pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=300m, used: requests.cpu=800m, limited: requests.cpu=1"#
        )
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/pods", json: Self.pod("b", cpu: "200m", memory: "512Mi"))
                .status == 201, "exactly at the limit fits")
        // Raising the quota lets the next one in.
        var raised = hard
        raised["requests.cpu"] = "2"
        raised["requests.memory"] = "2Gi"
        raised["limits.memory"] = "2Gi"
        #expect(
            try client.request(
                "PUT", "/api/v1/namespaces/ns/resourcequotas/compute", json: Self.quota("compute", hard: raised)
            ).status == 200)
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/pods", json: Self.pod("c", cpu: "300m", memory: "256Mi"))
                .status == 201)
    }

    @Test("a quota's hard values must be quantities")
    func validation() throws {
        let harness = try TestSupport.simulator()
        let response = try harness.client().request(
            "POST", "/api/v1/namespaces/ns/resourcequotas", json: Self.quota("bad", hard: ["pods": "lots"]))
        #expect(response.status == 422)
        #expect(response.object.text("reason") == "Invalid")
    }

    @Test("the webhook fault: 500 InternalError naming the webhook, as the API server wraps a failed call")
    func webhook() throws {
        let harness = try TestSupport.simulator {
            $0.faults = try! FaultConfiguration(
                json: TestSupport.json(#"{"rules":[{"kind":"webhook","verbs":["create"],"resources":["pods"]}]}"#))
        }
        let client = try harness.client()
        for _ in 0..<3 {
            let response = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("p"))
            // k8s.io/apiserver admission webhook dispatchers: apierrors.NewInternalError(&ErrCallingWebhook{…}).
            #expect(response.status == 500)
            #expect(response.object.text("reason") == "InternalError")
            let message = response.object.text("message") ?? ""
            #expect(
                message.hasPrefix(
                    #"Internal error occurred: failed calling webhook "validate.policy.integr8scode.example": "#))
            let causes = response.object.value("details.causes")?.arrayValue ?? []
            #expect(causes.count == 1)
            #expect(causes.first?.objectValue?["message"]?.stringValue.map { message.hasSuffix($0) } == true)
        }
        #expect(harness.simulator.objects(namespace: "ns", kind: "Pod").isEmpty, "a refused create has no effect")
        // Only Pod creation goes through the webhook.
        #expect(
            try client.request("POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("c")).status
                == 201)
        #expect(harness.simulator.counters.faults["webhook"] == 3)
    }
}
