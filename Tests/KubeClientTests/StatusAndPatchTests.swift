import Events
import KubeClient
import KubeSimulator
import Testing

/// Status objects become typed errors; the three patch formats reach the server intact.
@Suite("Status errors and patches")
struct StatusAndPatchTests {
    @Test("creating twice: .alreadyExists with the Status reason, code and message")
    func alreadyExists() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let created = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("twice"), deadline: TestSupport.soon)
        #expect(created.text("metadata.name") == "twice")
        #expect(created.text("metadata.uid")?.isEmpty == false)
        let error = try #require(throws: KubeAPIError.self) {
            try client.create(
                "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("twice"), deadline: TestSupport.soon)
        }
        #expect(error.kind == .alreadyExists)
        #expect(error.code == 409 && error.reason == "AlreadyExists")
        #expect(error.message.contains("\"twice\" already exists"), "\(error.message)")
    }

    @Test("an invalid object: .invalid with the field causes")
    func invalid() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let error = try #require(throws: KubeAPIError.self) {
            try client.create(
                "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("Not_A_Valid_Name"),
                deadline: TestSupport.soon)
        }
        #expect(error.kind == .invalid && error.code == 422 && error.reason == "Invalid")
        #expect(!error.causes.isEmpty)
        #expect(error.causes.contains { $0.field == "metadata.name" && !$0.message.isEmpty && !$0.reason.isEmpty })
        #expect(error.description.contains("metadata.name"))
    }

    @Test("GET of a missing object: .notFound; DELETE removes, a second DELETE is .notFound")
    func notFoundAndDelete() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let missing = try #require(throws: KubeAPIError.self) {
            try client.get("/api/v1/namespaces/ns/configmaps/nope", deadline: TestSupport.soon)
        }
        #expect(missing.kind == .notFound && missing.code == 404 && missing.reason == "NotFound")

        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("gone"), deadline: TestSupport.soon)
        let options = TestSupport.bytes(#"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}"#)
        _ = try client.delete("/api/v1/namespaces/ns/configmaps/gone", body: options, deadline: TestSupport.soon)
        #expect(harness.simulator.object(namespace: "ns", kind: "ConfigMap", name: "gone") == nil)
        let again = try #require(throws: KubeAPIError.self) {
            try client.delete("/api/v1/namespaces/ns/configmaps/gone", body: nil, deadline: TestSupport.soon)
        }
        #expect(again.kind == .notFound)
    }

    @Test("a stale resourceVersion in a patch: .conflict, not .alreadyExists")
    func conflict() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("rv"), deadline: TestSupport.soon)
        let error = try #require(throws: KubeAPIError.self) {
            try client.patch(
                "/api/v1/namespaces/ns/configmaps/rv",
                body: TestSupport.bytes(#"{"metadata":{"resourceVersion":"1"},"data":{"k":"w"}}"#),
                contentType: "application/merge-patch+json", deadline: TestSupport.soon)
        }
        #expect(error.kind == .conflict && error.code == 409 && error.reason == "Conflict")
    }

    @Test("merge patch adds a label and replaces data keys")
    func mergePatch() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try client.create(
            "/api/v1/namespaces/ns/configmaps", body: TestSupport.configMap("m", data: ["a": "1", "b": "2"]),
            deadline: TestSupport.soon)
        let patched = try client.patch(
            "/api/v1/namespaces/ns/configmaps/m",
            body: TestSupport.bytes(#"{"metadata":{"labels":{"team":"x"}},"data":{"a":null,"c":"3"}}"#),
            contentType: "application/merge-patch+json", deadline: TestSupport.soon)
        #expect(patched.text("metadata.labels.team") == "x")
        #expect(patched.at("data.a") == nil && patched.text("data.b") == "2" && patched.text("data.c") == "3")
    }

    @Test("strategic merge patch merges a container by name (the image changes, the command stays)")
    func strategicMergePatch() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let pod =
            #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","1"]}]}}"#
        _ = try client.create("/api/v1/namespaces/ns/pods", body: TestSupport.bytes(pod), deadline: TestSupport.soon)
        let patched = try client.patch(
            "/api/v1/namespaces/ns/pods/p",
            body: TestSupport.bytes(#"{"spec":{"containers":[{"name":"main","image":"busybox:1.37"}]}}"#),
            contentType: "application/strategic-merge-patch+json", deadline: TestSupport.soon)
        let container = try #require(patched.at("spec.containers")?.arrayValue?.first)
        #expect(container.text("image") == "busybox:1.37")
        #expect(container.at("command") == .array([.string("sleep"), .string("1")]))
    }

    @Test("server-side apply creates, records the field manager, and re-applies idempotently")
    func serverSideApply() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let path = "/api/v1/namespaces/ns/configmaps/applied"
        let body = TestSupport.configMap("applied", data: ["script": "print(1)"])
        let query = [("fieldManager", "k8s-worker-test"), ("force", "true")]
        let first = try client.patch(
            path, body: body, contentType: "application/apply-patch+yaml", query: query, deadline: TestSupport.soon)
        #expect(first.text("data.script") == "print(1)")
        let managers = first.at("metadata.managedFields")?.arrayValue?.compactMap { $0.text("manager") } ?? []
        #expect(managers.contains("k8s-worker-test"))
        let version = first.text("metadata.resourceVersion")
        let second = try client.patch(
            path, body: body, contentType: "application/apply-patch+yaml", query: query, deadline: TestSupport.soon)
        #expect(second.text("metadata.resourceVersion") == version, "a no-op apply writes nothing")
        let record = try #require(harness.simulator.requestLog.last)
        #expect(record.verb == "apply" && record.path.contains("fieldManager=k8s-worker-test"))

        let missingManager = try #require(throws: KubeAPIError.self) {
            try client.patch(path, body: body, contentType: "application/apply-patch+yaml", deadline: TestSupport.soon)
        }
        #expect(missingManager.kind == .badRequest && missingManager.code == 400)
    }
}
