import Events
import KubeSimulator
import TestKit
import Testing

/// The RBAC authorization mode end to end over HTTPS: 403s with the API server's Status, the second `create`
/// check of an apply that creates, the RBAC API, discovery, the admin, and `kubectl auth can-i`.
@Suite("RBAC authorization")
struct AuthorizationTests {
    static let worker = "system:serviceaccount:ns:k8s-worker"

    /// A simulator in RBAC mode whose bearer token is the `ns/k8s-worker` service account, with `policy` stored.
    static func simulator(_ policy: String) throws -> Harness {
        try TestSupport.simulator { configuration in
            configuration.tokenServiceAccount = ServiceAccountName(namespace: "ns", name: "k8s-worker")
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.text(policy, name: "test-policy"))
            ])
        }
    }

    static let podReader = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: reader, namespace: ns}
        rules:
          - {apiGroups: [""], resources: ["pods"], verbs: ["get"]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: reader, namespace: ns}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
        subjects: [{kind: ServiceAccount, name: k8s-worker, namespace: ns}]
        """

    @Test("a denied request gets the API server's 403 Status; allowed ones pass; the denial is recorded")
    func denial() throws {
        let harness = try Self.simulator(Self.podReader)
        let client = try harness.client()
        let created = try client.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("x"))
        #expect(created.status == 403)
        #expect(created.object.text("kind") == "Status")
        #expect(created.object.text("reason") == "Forbidden")
        #expect(
            created.object.text("message")
                == #"pods is forbidden: User "system:serviceaccount:ns:k8s-worker" cannot create resource "pods" in API group "" in the namespace "ns""#
        )
        #expect(created.object.text("details.kind") == "pods")
        #expect(created.object.value("code")?.numberValue?.int64Value == 403)
        let deleted = try client.request("DELETE", "/api/v1/namespaces/ns/pods/x")
        #expect(
            deleted.object.text("message")
                == #"pods "x" is forbidden: User "system:serviceaccount:ns:k8s-worker" cannot delete resource "pods" in API group "" in the namespace "ns""#
        )
        #expect(try client.request("GET", "/api/v1/namespaces/ns/pods/x").status == 404)
        #expect(try client.request("GET", "/api/v1/namespaces/ns/pods/x/status").status == 403)
        #expect(try client.request("GET", "/api/v1/namespaces/other/pods/x").status == 403)
        #expect(harness.simulator.counters.authorizationDenials == 4)
        #expect(harness.simulator.authorizationDenials().map(\.verb) == ["create", "delete", "get", "get"])
        #expect(
            harness.simulator.authorizationGrants(user: Self.worker).contains {
                $0.verb == "get" && $0.resource == "pods" && $0.name == "x"
            })
        // Discovery stays open to every authenticated user; the admin and system:masters certificates may do all.
        #expect(try client.request("GET", "/apis").status == 200)
        #expect(try client.request("GET", "/api/v1").status == 200)
        #expect(try client.request("GET", "/version").status == 200)
        let admin = try harness.adminClient()
        #expect(try admin.request("POST", "/api/v1/namespaces/ns/pods", json: TestSupport.pod("x")).status == 201)
        let certificate = try SimulatorClient(simulator: harness.simulator, useClientCertificate: true)
        #expect(try certificate.request("DELETE", "/api/v1/namespaces/ns/pods/x").status == 200)
    }

    static func networkPolicyRule(_ verbs: String) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: netpol, namespace: ns}
        rules:
          - {apiGroups: [networking.k8s.io], resources: [networkpolicies], resourceNames: [deny-all], verbs: [\(verbs)]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: netpol, namespace: ns}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: netpol}
        subjects: [{kind: ServiceAccount, name: k8s-worker, namespace: ns}]
        """
    }

    static func apply(_ client: SimulatorClient) throws -> SimulatorClient.Response {
        try client.request(
            "PATCH", "/apis/networking.k8s.io/v1/namespaces/ns/networkpolicies/deny-all?fieldManager=test&force=true",
            body: Array(
                #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all"},"spec":{"podSelector":{}}}"#
                    .utf8), contentType: "application/apply-patch+yaml")
    }

    @Test(
        "an apply that creates is authorized again as create with the name: patch alone is refused, create+patch passes"
    )
    func applyCreateCheck() throws {
        let patchOnly = try Self.simulator(Self.networkPolicyRule("patch"))
        let refused = try Self.apply(try patchOnly.client())
        #expect(refused.status == 403)
        #expect(refused.object.text("message") == #"networkpolicies.networking.k8s.io "deny-all" is forbidden: "#)
        #expect(refused.object.text("details.name") == "deny-all")
        #expect(patchOnly.simulator.authorizationDenials().map(\.verb) == ["create"])
        #expect(patchOnly.simulator.object(namespace: "ns", kind: "NetworkPolicy", name: "deny-all") == nil)
        // Once it exists (an administrator applied it), patch alone is enough.
        #expect(try Self.apply(try patchOnly.adminClient()).status == 201)
        #expect(try Self.apply(try patchOnly.client()).status == 200)

        let both = try Self.simulator(Self.networkPolicyRule("create, patch"))
        #expect(try Self.apply(try both.client()).status == 201)
        let grants = both.simulator.authorizationGrants(user: Self.worker)
        #expect(grants.contains { $0.verb == "create" && $0.name == "deny-all" })
        #expect(grants.contains { $0.verb == "patch" && $0.name == "deny-all" })
        // create by name never allows a POST create, whose name is not known when it is authorized.
        let post = try both.client().request(
            "POST", "/apis/networking.k8s.io/v1/namespaces/ns/networkpolicies",
            json: TestSupport.json(#"{"metadata":{"name":"deny-all-2"},"spec":{"podSelector":{}}}"#))
        #expect(post.status == 403)
    }

    @Test("RBAC objects through the API: the admin creates a Role and RoleBinding, gets them, and they take effect")
    func rbacAPI() throws {
        let harness = try Self.simulator("")
        let client = try harness.client()
        let admin = try harness.adminClient()
        #expect(try client.request("GET", "/api/v1/namespaces/ns/configmaps/c").status == 403)
        let role = TestSupport.json(
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"cm"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]}"#
        )
        let binding = TestSupport.json(
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"cm"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm"},"subjects":[{"kind":"ServiceAccount","name":"k8s-worker","namespace":"ns"}]}"#
        )
        // The service account itself may not grant itself anything.
        #expect(
            try client.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles", json: role).status
                == 403)
        #expect(
            try admin.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles", json: role).status
                == 201)
        #expect(
            try admin.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings", json: binding)
                .status == 201)
        let fetched = try admin.request("GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/roles/cm")
        #expect(fetched.status == 200)
        #expect(fetched.object.items("rules").first?.value("verbs") == .array([.string("get")]))
        #expect(try client.request("GET", "/api/v1/namespaces/ns/configmaps/c").status == 404)
        let bad = TestSupport.json(
            #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bad"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"cm"},"subjects":[{"kind":"ServiceAccount","name":"k8s-worker"}]}"#
        )
        let refused = try admin.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", json: bad)
        #expect(refused.status == 422)
        #expect(
            try admin.request("DELETE", "/apis/rbac.authorization.k8s.io/v1/namespaces/ns/rolebindings/cm").status
                == 200)
        #expect(try client.request("GET", "/api/v1/namespaces/ns/configmaps/c").status == 403)
        let list = try admin.request("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles")
        #expect(list.object.items().contains { $0.text("metadata.name") == "system:basic-user" })
    }

    private func kubectl(_ harness: Harness, _ arguments: [String]) throws -> Subprocess.Result {
        try harness.kubectl(arguments)
    }

    @Test("kubectl auth can-i answers from the policy (SelfSubjectAccessReview, SelfSubjectRulesReview)")
    func kubectlCanI() throws {
        let harness = try Self.simulator(Self.podReader)
        let yes = try kubectl(harness, ["auth", "can-i", "get", "pods", "-n", "ns"])
        #expect(yes.status == 0, "\(yes.standardError)")
        #expect(yes.standardOutput.split(separator: "\n").first == "yes")
        let no = try kubectl(harness, ["auth", "can-i", "create", "pods", "-n", "ns"])
        #expect(no.status == 1, "\(no.standardError)")
        #expect(no.standardOutput.hasPrefix("no"))
        let elsewhere = try kubectl(harness, ["auth", "can-i", "get", "pods", "-n", "other"])
        #expect(elsewhere.standardOutput.hasPrefix("no"))
        let list = try kubectl(harness, ["auth", "can-i", "--list", "-n", "ns"])
        #expect(list.status == 0, "\(list.standardError)")
        let lines = list.standardOutput.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines.contains("pods [] [] [get]"), "\(list.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("selfsubjectaccessreviews.authorization.k8s.io [] [] [create]") })
        #expect(!lines.contains { $0.hasPrefix("configmaps") })
        // The certificate context is system:masters: everything.
        let admin = try kubectl(harness, ["--context", "client-cert", "auth", "can-i", "create", "pods", "-n", "ns"])
        #expect(admin.standardOutput.hasPrefix("yes"), "\(admin.standardError)")
    }

    @Test("kubectl auth can-i --list as the worker's account under the shipped rbac.yaml shows exactly its rules")
    func shippedPolicyCanIList() throws {
        let harness = try TestSupport.simulator(namespaces: ["integr8scode"]) { configuration in
            configuration.tokenServiceAccount = ServiceAccountName(namespace: "integr8scode", name: "k8s-worker")
            configuration.authorization = AuthorizationConfiguration(rbac: [
                RBACPolicySource(.file(RepositoryFile.path("deploy/kubernetes/rbac.yaml")))
            ])
        }
        let list = try kubectl(harness, ["auth", "can-i", "--list", "-n", "integr8scode"])
        #expect(list.status == 0, "\(list.standardError)")
        let lines = list.standardOutput.split(separator: "\n").dropFirst().map {
            $0.split(separator: " ").joined(separator: " ")
        }
        // What every authenticated user may do (discovery, access reviews) is not the worker's policy.
        let own = Set(lines.filter { !$0.hasPrefix("[/") && !$0.contains("authorization.k8s.io ") })
        #expect(
            own == [
                "pods [] [] [create get list delete]",
                "configmaps [] [] [create get patch delete]",
                "networkpolicies.networking.k8s.io [] [executor-deny-all] [create patch]",
                "daemonsets.apps [] [runtime-image-pre-puller] [get create patch update]",
                "namespaces [] [integr8scode] [get patch]",
            ], "\(list.standardOutput)")
    }
}
