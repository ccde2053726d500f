import Events
import KubeSimulator
import Testing

@Suite("Pods")
struct PodTests {
    private let base = "/api/v1/namespaces/ns/pods"

    @Test("create sets defaults, Pending status, generation 1; get, list by label, patch metadata, delete")
    func lifecycle() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let created = try client.request("POST", base, json: TestSupport.pod("web", labels: ["app": "web"]))
        #expect(created.status == 201)
        let pod = created.object
        #expect(pod.text("status.phase") == "Pending")
        #expect(pod.text("status.qosClass") == "BestEffort")
        #expect(pod.value("metadata.generation")?.numberValue?.int64Value == 1)
        #expect(pod.text("spec.restartPolicy") == "Always")
        #expect(pod.value("spec.terminationGracePeriodSeconds")?.numberValue?.int64Value == 30)
        #expect(pod.items("spec.containers").first?.text("imagePullPolicy") == "IfNotPresent")
        _ = try client.request("POST", base, json: TestSupport.pod("db", labels: ["app": "db"]))

        let list = try client.request("GET", "\(base)?labelSelector=app%3Dweb")
        #expect(list.object.items().compactMap { $0.text("metadata.name") } == ["web"])
        let fieldList = try client.request("GET", "\(base)?fieldSelector=metadata.name%3Ddb")
        #expect(fieldList.object.items().compactMap { $0.text("metadata.name") } == ["db"])

        let patched = try client.request(
            "PATCH", "\(base)/web",
            json: TestSupport.json(#"{"metadata":{"annotations":{"a":"b"},"labels":{"extra":"1"}}}"#),
            contentType: "application/strategic-merge-patch+json")
        #expect(patched.status == 200)
        #expect(patched.object.text("metadata.labels.app") == "web")
        #expect(patched.object.text("metadata.labels.extra") == "1")
        #expect(
            patched.object.value("metadata.generation")?.numberValue?.int64Value == 1,
            "metadata changes keep the generation")

        let deleted = try client.request(
            "DELETE", "\(base)/web",
            json: TestSupport.json(#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}"#))
        #expect(deleted.status == 200)
        #expect(deleted.object.text("kind") == "Pod", "pods answer DELETE with the object")
        #expect(try client.request("GET", "\(base)/web").status == 404)
    }

    @Test("a pod needs containers with a name and an image; spec changes other than image are forbidden")
    func validation() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let empty = try client.request(
            "POST", base, json: TestSupport.json(#"{"metadata":{"name":"e"},"spec":{"containers":[]}}"#))
        #expect(empty.status == 422)
        #expect(
            empty.object.value("details.causes")?.arrayValue?.first?.objectValue?.text("field") == "spec.containers")
        let nameless = try client.request(
            "POST", base, json: TestSupport.json(#"{"metadata":{"name":"n"},"spec":{"containers":[{"image":""}]}}"#))
        let fields =
            nameless.object.value("details.causes")?.arrayValue?.compactMap { $0.objectValue?.text("field") } ?? []
        #expect(nameless.status == 422)
        #expect(fields.contains("spec.containers[0].name") && fields.contains("spec.containers[0].image"))
        let dns = try client.request(
            "POST", base,
            json: TestSupport.json(
                #"{"metadata":{"name":"d"},"spec":{"dnsPolicy":"None","containers":[{"name":"c","image":"i"}]}}"#))
        #expect(dns.status == 422)

        _ = try client.request("POST", base, json: TestSupport.pod("p"))
        let image = try client.request(
            "PATCH", "\(base)/p",
            json: TestSupport.json(#"{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}"#),
            contentType: "application/strategic-merge-patch+json")
        #expect(image.status == 200)
        #expect(image.object.value("metadata.generation")?.numberValue?.int64Value == 2)
        let forbidden = try client.request(
            "PATCH", "\(base)/p", json: TestSupport.json(#"{"spec":{"restartPolicy":"Never"}}"#),
            contentType: "application/merge-patch+json")
        #expect(forbidden.status == 422)
        #expect(forbidden.object.text("message")?.contains("pod updates may not change fields other than") == true)
    }

    @Test("phase progression moves a pod Pending → Running → Succeeded")
    func phaseProgression() throws {
        let harness = try TestSupport.simulator {
            $0.phaseProgression = PhaseProgression(runningAfter: .milliseconds(50), succeededAfter: .milliseconds(100))
        }
        let client = try harness.client()
        _ = try client.request("POST", base, json: TestSupport.pod("job"))
        func phase() -> String? {
            harness.simulator.object(namespace: "ns", kind: "Pod", name: "job")?.text("status.phase")
        }
        #expect(TestSupport.eventually { phase() == "Running" || phase() == "Succeeded" })
        #expect(TestSupport.eventually { phase() == "Succeeded" })
        let pod = try client.request("GET", "\(base)/job").object
        #expect(pod.text("spec.nodeName") == "sim-node")
        #expect(
            pod.items("status.containerStatuses").first?.value("state.terminated.exitCode")?.numberValue?.int64Value
                == 0)
    }

    @Test("setPodPhase forces a phase; graceful deletion of a running pod finishes after the (capped) grace period")
    func gracefulDeletion() throws {
        let harness = try TestSupport.simulator { $0.maxGracefulDeletion = .milliseconds(700) }
        let client = try harness.client()
        _ = try client.request("POST", base, json: TestSupport.pod("g"))
        try harness.simulator.setPodPhase(namespace: "ns", name: "g", phase: "Running")
        let deleting = try client.request("DELETE", "\(base)/g")
        #expect(deleting.status == 200)
        #expect(deleting.object.text("metadata.deletionTimestamp") != nil)
        #expect(deleting.object.value("metadata.deletionGracePeriodSeconds")?.numberValue?.int64Value == 30)
        #expect(try client.request("GET", "\(base)/g").status == 200, "still terminating")
        #expect(TestSupport.eventually { harness.simulator.object(namespace: "ns", kind: "Pod", name: "g") == nil })
    }

    @Test("fieldValidation: Strict rejects a misspelt security field with 400, the default warns, Ignore is silent")
    func fieldValidation() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let typo = TestSupport.json(
            """
            {"metadata":{"name":"typo"},"spec":{"containers":[{"name":"c","image":"i","securityContext":{"runAsNonroot":true}}]}}
            """)
        let strict = try client.request("POST", "\(base)?fieldValidation=Strict", json: typo)
        #expect(strict.status == 400)
        #expect(
            strict.object.text("message")
                == "strict decoding error: unknown field \"spec.containers[0].securityContext.runAsNonroot\"")
        let warned = try client.request("POST", base, json: typo)
        #expect(warned.status == 201)
        #expect(warned.header("warning")?.contains("unknown field") == true)
        #expect(
            warned.object.items("spec.containers").first?.value("securityContext.runAsNonroot") == nil,
            "unknown fields are dropped")
        var second = typo.objectValue ?? JSONObject()
        second.set("metadata", TestSupport.json(#"{"name":"typo2"}"#))
        let ignored = try client.request("POST", "\(base)?fieldValidation=Ignore", json: .object(second))
        #expect(ignored.status == 201 && ignored.header("warning") == nil)
    }
}
