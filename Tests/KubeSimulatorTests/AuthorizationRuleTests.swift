import Events
import TestKit
import Testing

@testable import KubeSimulator

/// The RBAC evaluation itself (pure): rule fields, resourceNames, subresources, binding scopes, denial texts.
@Suite("RBAC rule evaluation")
struct AuthorizationRuleTests {
    private static let sa = "system:serviceaccount:ns:sa"
    private static let saGroups = ["system:serviceaccounts", "system:serviceaccounts:ns", "system:authenticated"]

    private static func request(
        _ verb: String, _ resource: String, group: String = "", subresource: String = "", namespace: String = "ns",
        name: String = ""
    ) -> AuthorizationAttributes {
        .resource(
            user: sa, groups: saGroups, verb: verb, group: group, resource: resource, subresource: subresource,
            namespace: namespace, name: name)
    }

    @Test("each rule field must match: verb, API group, resource; '*' matches any")
    func fields() {
        let rule = PolicyRule(verbs: ["get", "create"], apiGroups: [""], resources: ["pods"])
        #expect(rule.allows(Self.request("get", "pods", name: "x")))
        #expect(rule.allows(Self.request("create", "pods")))
        #expect(!rule.allows(Self.request("delete", "pods", name: "x")))
        #expect(!rule.allows(Self.request("get", "configmaps", name: "x")))
        #expect(!rule.allows(Self.request("get", "pods", group: "apps", name: "x")))
        let any = PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"])
        #expect(any.allows(Self.request("deletecollection", "daemonsets", group: "apps")))
        #expect(any.allows(Self.request("get", "pods", subresource: "status", name: "x")))
    }

    @Test("subresources are separate resources: pods does not grant pods/status; */status does")
    func subresources() {
        let pods = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])
        #expect(!pods.allows(Self.request("get", "pods", subresource: "status", name: "x")))
        let status = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods/status"])
        #expect(status.allows(Self.request("get", "pods", subresource: "status", name: "x")))
        #expect(!status.allows(Self.request("get", "pods", name: "x")))
        let anyStatus = PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["*/status"])
        #expect(anyStatus.allows(Self.request("get", "namespaces", subresource: "status", name: "ns")))
        #expect(!anyStatus.allows(Self.request("get", "pods", subresource: "log", name: "x")))
    }

    @Test("resourceNames match only requests that carry a name: never a POST create, list, watch or deletecollection")
    func resourceNames() {
        let rule = PolicyRule(
            verbs: ["get", "create", "list", "watch", "deletecollection", "patch"], apiGroups: ["networking.k8s.io"],
            resources: ["networkpolicies"], resourceNames: ["executor-deny-all"])
        let group = "networking.k8s.io"
        #expect(rule.allows(Self.request("get", "networkpolicies", group: group, name: "executor-deny-all")))
        #expect(rule.allows(Self.request("patch", "networkpolicies", group: group, name: "executor-deny-all")))
        #expect(!rule.allows(Self.request("patch", "networkpolicies", group: group, name: "allow-all")))
        for verb in ["create", "list", "watch", "deletecollection"] {
            #expect(!rule.allows(Self.request(verb, "networkpolicies", group: group)), "\(verb)")
        }
        // The second check of an apply that creates the object carries its name.
        #expect(rule.allows(Self.request("create", "networkpolicies", group: group, name: "executor-deny-all")))
    }

    @Test("non-resource URLs: exact, or a prefix ending in '*'; never for resource requests")
    func nonResourceURLs() {
        let rule = PolicyRule(verbs: ["get"], nonResourceURLs: ["/version", "/apis/*"])
        func path(_ path: String, verb: String = "get") -> AuthorizationAttributes {
            .nonResource(user: Self.sa, groups: Self.saGroups, verb: verb, path: path)
        }
        #expect(rule.allows(path("/version")))
        #expect(rule.allows(path("/apis/apps/v1")))
        #expect(!rule.allows(path("/api/v1")))
        #expect(!rule.allows(path("/version", verb: "post")))
        #expect(!rule.allows(Self.request("get", "pods", name: "x")))
    }

    private static let policyObjects: [JSONObject] = [
        """
        {"kind":"Role","metadata":{"name":"reader","namespace":"ns"},
         "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]}]}
        """,
        """
        {"kind":"ClusterRole","metadata":{"name":"pod-maker"},
         "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["create"]}]}
        """,
        """
        {"kind":"ClusterRole","metadata":{"name":"ns-viewer"},
         "rules":[{"apiGroups":[""],"resources":["namespaces"],"verbs":["get"],"resourceNames":["ns"]}]}
        """,
        """
        {"kind":"RoleBinding","metadata":{"name":"reader","namespace":"ns"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},
         "subjects":[{"kind":"ServiceAccount","name":"sa"}]}
        """,
        """
        {"kind":"RoleBinding","metadata":{"name":"pods","namespace":"ns"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"pod-maker"},
         "subjects":[{"kind":"Group","name":"system:serviceaccounts:ns"}]}
        """,
        """
        {"kind":"ClusterRoleBinding","metadata":{"name":"ns-viewer"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"ns-viewer"},
         "subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"ns"}]}
        """,
    ].map { TestSupport.json($0).objectValue ?? JSONObject() }

    private static var policy: RBACPolicy {
        func kind(_ name: String) -> [JSONObject] { policyObjects.filter { $0.string("kind") == name } }
        return RBACPolicy(
            roles: kind("Role"), clusterRoles: kind("ClusterRole"), roleBindings: kind("RoleBinding"),
            clusterRoleBindings: kind("ClusterRoleBinding"))
    }

    @Test(
        "a RoleBinding grants in its namespace only (its Role, or a ClusterRole); a ClusterRoleBinding everywhere; subjects by service account (namespace defaulted), group and user"
    )
    func bindingScopes() {
        let policy = Self.policy
        #expect(policy.decide(Self.request("get", "configmaps", name: "c")).allowed)
        #expect(!policy.decide(Self.request("get", "configmaps", namespace: "other", name: "c")).allowed)
        #expect(policy.decide(Self.request("create", "pods")).allowed)
        #expect(!policy.decide(Self.request("create", "pods", namespace: "other")).allowed)
        #expect(!policy.decide(Self.request("create", "pods", namespace: "")).allowed)
        #expect(policy.decide(Self.request("get", "namespaces", namespace: "", name: "ns")).allowed)
        #expect(!policy.decide(Self.request("get", "namespaces", namespace: "", name: "kube-system")).allowed)
        var other = Self.request("get", "configmaps", name: "c")
        other.user = "system:serviceaccount:other:sa"
        other.groups = ["system:serviceaccounts", "system:serviceaccounts:other", "system:authenticated"]
        #expect(!policy.decide(other).allowed)
        #expect(policy.rules(user: Self.sa, groups: Self.saGroups, namespace: "ns").rules.count == 3)
        #expect(policy.rules(user: Self.sa, groups: Self.saGroups, namespace: "").rules.count == 1)
    }

    @Test("the denial message is the API server's, by scope and subresource; bindings to missing roles are the reason")
    func denialMessages() {
        #expect(
            RequestProcessor.forbidden(
                Self.request("create", "pods", name: "x"), message: Self.request("create", "pods").forbiddenMessage,
                reason: ""
            ).message
                == #"pods "x" is forbidden: User "system:serviceaccount:ns:sa" cannot create resource "pods" in API group "" in the namespace "ns""#
        )
        #expect(
            RequestProcessor.forbidden(
                Self.request("list", "pods"), message: Self.request("list", "pods").forbiddenMessage, reason: ""
            ).message
                == #"pods is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "pods" in API group "" in the namespace "ns""#
        )
        let status = Self.request("get", "pods", subresource: "status", name: "x")
        #expect(
            status.forbiddenMessage
                == #"User "system:serviceaccount:ns:sa" cannot get resource "pods/status" in API group "" in the namespace "ns""#
        )
        let cluster = Self.request("list", "clusterroles", group: "rbac.authorization.k8s.io", namespace: "")
        #expect(
            RequestProcessor.forbidden(cluster, message: cluster.forbiddenMessage, reason: "").message
                == #"clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:ns:sa" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#
        )
        let path = AuthorizationAttributes.nonResource(user: "u", groups: [], verb: "get", path: "/x")
        #expect(
            RequestProcessor.forbidden(path, message: path.forbiddenMessage, reason: "").message
                == #"forbidden: User "u" cannot get path "/x""#)

        var policy = Self.policy
        policy.roleBindings.append(
            RBACPolicy.Binding(
                json: TestSupport.json(
                    """
                    {"metadata":{"name":"dangling","namespace":"ns"},
                     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"gone"},
                     "subjects":[{"kind":"ServiceAccount","name":"sa"}]}
                    """
                ).objectValue ?? JSONObject()))
        let one = policy.decide(Self.request("delete", "pods", name: "x"))
        #expect(!one.allowed)
        #expect(one.reason == #"RBAC: role.rbac.authorization.k8s.io "gone" not found"#)
        policy.clusterRoleBindings.append(
            RBACPolicy.Binding(
                json: TestSupport.json(
                    """
                    {"metadata":{"name":"dangling-too"},
                     "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"missing"},
                     "subjects":[{"kind":"User","name":"system:serviceaccount:ns:sa"}]}
                    """
                ).objectValue ?? JSONObject()))
        let two = policy.decide(Self.request("delete", "pods", name: "x"))
        #expect(
            two.reason
                == #"RBAC: [clusterrole.rbac.authorization.k8s.io "missing" not found, role.rbac.authorization.k8s.io "gone" not found]"#
        )
        // An allowed request is allowed whatever else failed to resolve.
        #expect(policy.decide(Self.request("get", "configmaps", name: "c")).allowed)
    }

    @Test("the shipped rbac.yaml parses; renaming its namespace moves every namespace reference, not object names")
    func namespaceRename() throws {
        let source = RBACPolicySource(
            .file(RepositoryFile.path("deploy/kubernetes/rbac.yaml")), namespaceRenames: ["integr8scode": "tenant-a"])
        let documents = try source.documents()
        #expect(documents.map(\.0.kind) == ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"])
        let text = documents.map { TestSupport.text(.object($0.1)) }.joined(separator: "\n")
        #expect(!text.contains(#""integr8scode""#))
        #expect(text.contains(#""namespace":"tenant-a""#))
        #expect(text.contains(#""resourceNames":["tenant-a"]"#))
        // The ClusterRole's name is kept: names are the file's, only namespaces move.
        #expect(text.contains(#""name":"k8s-worker-namespace-integr8scode""#))
    }

    @Test("bad policy documents are refused with the document named")
    func badDocuments() {
        #expect(throws: SimulatorError.self) {
            try RBACPolicySource(.text("kind: Pod\napiVersion: v1\n", name: "pods.yaml")).documents()
        }
        do {
            _ = try RBACPolicySource(.text("a: [\n", name: "broken.yaml")).documents()
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("broken.yaml is not valid YAML"))
        }
        #expect(throws: SimulatorError.self) {
            try RBACPolicySource(.file("/nonexistent/rbac.yaml")).documents()
        }
    }
}
