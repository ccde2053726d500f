import Events
import KubeSimulator
import Testing

@Suite("Server-side apply of the NetworkPolicy")
struct ServerSideApplyTests {
    static let policy = """
        {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
         "metadata":{"name":"executor-deny-all","namespace":"ns","labels":{"app":"integr8s","component":"security"}},
         "spec":{"podSelector":{"matchLabels":{"component":"executor"}},"policyTypes":["Ingress","Egress"],"ingress":[],"egress":[]}}
        """
    private let path = "/apis/networking.k8s.io/v1/namespaces/ns/networkpolicies/executor-deny-all"

    private func apply(
        _ client: SimulatorClient, _ body: String, manager: String = "integr8s", force: Bool = true
    ) throws -> SimulatorClient.Response {
        try client.request(
            "PATCH", "\(path)?fieldManager=\(manager)&force=\(force)", body: Array(body.utf8),
            contentType: "application/apply-patch+yaml")
    }

    @Test(
        "the first apply creates (201); re-applying the same configuration is a no-op with the same uid and resourceVersion"
    )
    func idempotent() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let first = try apply(client, Self.policy)
        #expect(first.status == 201)
        let uid = first.object.text("metadata.uid")
        let version = first.object.text("metadata.resourceVersion")
        #expect(first.object.value("metadata.generation")?.numberValue?.int64Value == 1)
        let managers = first.object.value("metadata.managedFields")?.arrayValue?.compactMap(\.objectValue) ?? []
        #expect(managers.map { $0.text("manager") } == ["integr8s"])
        #expect(managers.first?.text("operation") == "Apply")

        let second = try apply(client, Self.policy)
        #expect(second.status == 200)
        #expect(second.object.text("metadata.uid") == uid)
        #expect(second.object.text("metadata.resourceVersion") == version, "a no-op apply keeps the resourceVersion")

        let fetched = try client.request("GET", path)
        #expect(fetched.object.value("spec.policyTypes") == TestSupport.json(#"["Ingress","Egress"]"#))
        #expect(fetched.object.value("spec.podSelector.matchLabels.component")?.stringValue == "executor")
    }

    @Test("a changed configuration bumps resourceVersion (and generation for spec changes); dropped fields are removed")
    func changes() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        let first = try apply(client, Self.policy)
        let relabelled = Self.policy.replacingFirst(#""component":"security"}"#, with: #""tier":"x"}"#)
        let second = try apply(client, relabelled)
        #expect(second.status == 200)
        #expect(second.object.text("metadata.resourceVersion") != first.object.text("metadata.resourceVersion"))
        #expect(second.object.value("metadata.generation")?.numberValue?.int64Value == 1)
        #expect(
            second.object.text("metadata.labels.component") == nil, "a label the manager stopped applying is removed")
        #expect(second.object.text("metadata.labels.tier") == "x")
        let respec = Self.policy.replacingFirst(#"["Ingress","Egress"]"#, with: #"["Ingress"]"#)
        let third = try apply(client, respec)
        #expect(third.object.value("metadata.generation")?.numberValue?.int64Value == 2)
    }

    @Test("a conflicting apply by another manager is 409 without force and wins with force")
    func conflicts() throws {
        let harness = try TestSupport.simulator()
        let client = try harness.client()
        _ = try apply(client, Self.policy)
        let other = Self.policy.replacingFirst(#""component":"executor""#, with: #""component":"other""#)
        let refused = try apply(client, other, manager: "someone-else", force: false)
        #expect(refused.status == 409)
        #expect(refused.object.text("reason") == "Conflict")
        #expect(refused.object.text("message")?.contains("conflict with \"integr8s\"") == true)
        let forced = try apply(client, other, manager: "someone-else", force: true)
        #expect(forced.status == 200)
        #expect(forced.object.text("spec.podSelector.matchLabels.component") == "other")
        let missingManager = try client.request(
            "PATCH", path, body: Array(Self.policy.utf8), contentType: "application/apply-patch+yaml")
        #expect(missingManager.status == 400)
    }
}
