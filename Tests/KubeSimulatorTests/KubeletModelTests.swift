import Events
import KubeSimulator
import Testing

/// The scheduler's scheduling gates and the kubelet's ConfigMap mounts, compared with the real components:
/// - gates: KEP-3521 (GA in 1.30); `pkg/apis/core/validation` `validateOnlyDeletedSchedulingGates` allows only
///   deletions on update; the scheduler reports `PodScheduled=False`, reason `SchedulingGated`;
/// - mounts: the kubelet's configmap volume plugin fails `SetUp` with `configmap "<name>" not found` (or a missing
///   key), the volume manager retries with exponential backoff from 500 ms to 2m2s
///   (`nestedpendingoperations`), and `activeDeadlineSeconds` counts from `status.startTime`, which the kubelet
///   sets when it takes the Pod, before any volume is mounted (`kubelet.pastActiveDeadline`).
@Suite("Kubelet and scheduler model: scheduling gates, ConfigMap mounts, deadlines")
struct KubeletModelTests {
    private let base = "/api/v1/namespaces/ns/pods"

    private static func pod(
        _ name: String, configMap: String? = nil, gates: [String] = [], deadline: Int? = nil
    ) -> JSONValue {
        let volumes =
            configMap.map {
                #","volumes":[{"name":"script-volume","configMap":{"name":"\#($0)","items":[{"key":"main.py","path":"main.py"}]}}]"#
            } ?? ""
        let gateList = gates.map { #"{"name":"\#($0)"}"# }.joined(separator: ",")
        let deadlineText = deadline.map { #","activeDeadlineSeconds":\#($0)"# } ?? ""
        return TestSupport.json(
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"\(name)"},
             "spec":{"schedulingGates":[\(gateList)],"containers":[{"name":"main","image":"busybox:1.36"}]\(volumes)\(deadlineText)}}
            """)
    }

    private static func simulator() throws -> Harness {
        try TestSupport.simulator {
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(20), succeededAfter: nil)
        }
    }

    private func phase(_ harness: Harness, _ name: String) -> String? {
        harness.simulator.object(namespace: "ns", kind: "Pod", name: name)?.text("status.phase")
    }

    @Test(
        "a gated Pod is not scheduled while an ungated one runs; gates may only be removed; the last removal schedules it"
    )
    func schedulingGates() throws {
        let harness = try Self.simulator()
        let client = try harness.client()
        #expect(try client.request("POST", base, json: Self.pod("gated", gates: ["example.com/a"])).status == 201)
        #expect(try client.request("POST", base, json: Self.pod("free")).status == 201)
        #expect(TestSupport.eventually { phase(harness, "free") == "Running" })
        let gated = try #require(harness.simulator.object(namespace: "ns", kind: "Pod", name: "gated"))
        #expect(gated.text("status.phase") == "Pending")
        #expect(gated.text("spec.nodeName") == nil)
        #expect(gated.items("status.conditions").first?.text("reason") == "SchedulingGated")

        let added = try client.request(
            "PATCH", "\(base)/gated", body: Array(#"{"spec":{"schedulingGates":[{"name":"example.com/b"}]}}"#.utf8),
            contentType: "application/strategic-merge-patch+json")
        #expect(added.status == 422, "\(added.text)")
        #expect(
            added.object.text("message")?.contains(
                "spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/b'"
            )
                == true, "\(added.text)")

        let removed = try client.request(
            "PATCH", "\(base)/gated",
            body: Array(#"{"spec":{"schedulingGates":[{"$patch":"delete","name":"example.com/a"}]}}"#.utf8),
            contentType: "application/strategic-merge-patch+json")
        #expect(removed.status == 200, "\(removed.text)")
        #expect(
            removed.object["spec"]?.objectValue?["schedulingGates"] == nil
                || removed.object.items("spec.schedulingGates").isEmpty)
        #expect(TestSupport.eventually { phase(harness, "gated") == "Running" })
    }

    @Test("a missing ConfigMap keeps the Pod Pending in FailedMount with backoff; it runs once the ConfigMap exists")
    func missingConfigMap() throws {
        let harness = try Self.simulator()
        let client = try harness.client()
        #expect(try client.request("POST", base, json: Self.pod("waits", configMap: "script-1")).status == 201)
        #expect(
            TestSupport.eventually {
                harness.simulator.mountFailure(namespace: "ns", pod: "waits")
                    == #"MountVolume.SetUp failed for volume "script-volume" : configmap "script-1" not found"#
            })
        let waiting = try #require(harness.simulator.object(namespace: "ns", kind: "Pod", name: "waits"))
        #expect(waiting.text("status.phase") == "Pending")
        #expect(waiting.text("status.startTime") != nil, "the kubelet took it: its deadline counts")
        #expect(waiting.text("spec.nodeName") == "sim-node")
        #expect(waiting.items("status.containerStatuses").first?.text("state.waiting.reason") == "ContainerCreating")

        // A ConfigMap without the key the volume names still fails the mount.
        #expect(
            try client.request(
                "POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("script-1", data: ["x": "1"])
            ).status == 201)
        #expect(
            TestSupport.eventually {
                harness.simulator.mountFailure(namespace: "ns", pod: "waits")?.hasSuffix(
                    "configmap references non-existent config key: main.py") == true
            })
        #expect(
            try client.request(
                "PATCH", "/api/v1/namespaces/ns/configmaps/script-1",
                body: Array(#"{"data":{"main.py":"print(1)"}}"#.utf8),
                contentType: "application/merge-patch+json"
            ).status == 200)
        #expect(TestSupport.eventually { phase(harness, "waits") == "Running" })
        #expect(harness.simulator.mountFailure(namespace: "ns", pod: "waits") == nil)
    }

    @Test(
        "activeDeadlineSeconds counts from the start time: a Pod that never mounts ends DeadlineExceeded without running"
    )
    func deadlineWhileUnmounted() throws {
        let harness = try Self.simulator()
        let client = try harness.client()
        #expect(
            try client.request("POST", base, json: Self.pod("late", configMap: "never", deadline: 1)).status == 201)
        #expect(TestSupport.eventually(timeout: .seconds(10)) { phase(harness, "late") == "Failed" })
        let failed = try #require(harness.simulator.object(namespace: "ns", kind: "Pod", name: "late"))
        #expect(failed.text("status.reason") == "DeadlineExceeded")
    }
}

@Suite("Simulator at scale: housekeeping proportional to what is due, tables paged")
struct SimulatorScaleTests {
    @Test("housekeeping looks only at pods with a timer due: 1,000 idle pods are never examined")
    func housekeepingIsProportional() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        for index in 0..<1_000 {
            #expect(
                try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("idle-\(index)")).status
                    == 201)
        }
        let start = harness.simulator.housekeeping
        #expect(TestSupport.eventually { harness.simulator.housekeeping.rounds >= start.rounds + 5 })
        #expect(harness.simulator.housekeeping.podsExamined == start.podsExamined, "idle pods have no timer")

        // A pod that progresses is examined at its due times only (Running, then Succeeded): a handful of looks.
        let busy = try TestSupport.simulator {
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(10), succeededAfter: .milliseconds(10))
        }
        let busyClient = try busy.client()
        for index in 0..<200 {
            #expect(
                try busyClient.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("busy-\(index)"))
                    .status == 201)
        }
        #expect(
            TestSupport.eventually {
                busy.simulator.objects(namespace: "ns", kind: "Pod").allSatisfy {
                    $0.text("status.phase") == "Succeeded"
                }
            })
        let examined = busy.simulator.housekeeping.podsExamined
        #expect(examined >= 400 && examined <= 800, "\(examined) looks for 200 pods with two due changes each")
    }

    @Test("kubectl get lists more than 500 objects in full: the table response carries the continue token")
    func tablePaging() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        for index in 0..<620 {
            #expect(
                try client.request(
                    "POST", "/api/v1/namespaces/ns/configmaps", json: TestSupport.configMap("c-\(index)")
                ).status == 201)
        }
        let table = try client.request(
            "GET", "/api/v1/namespaces/ns/configmaps?limit=500", body: nil, contentType: "application/json",
            headers: [("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")])
        #expect(table.object.text("metadata.continue") != nil)
        #expect(table.object.value("metadata.remainingItemCount")?.numberValue?.int64Value == 120)
        let listed = try harness.kubectl(["get", "configmaps", "-n", "ns", "--no-headers"])
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.split(separator: "\n").count == 620)
    }
}
