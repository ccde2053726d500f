import Events

/// The RBAC objects in force, and the RBAC authorizer's decision over them (Kubernetes docs, "Using RBAC
/// Authorization"): a request is allowed when any rule of any role bound to the user allows it — through a
/// ClusterRoleBinding anywhere, or a RoleBinding in the request's namespace (which may refer to a Role of that
/// namespace or to a ClusterRole). There are no deny rules. Pure: built from a snapshot of the stored objects.
struct RBACPolicy: Sendable {
    /// A RoleBinding or ClusterRoleBinding.
    struct Binding: Sendable, Hashable {
        /// A subject (Kubernetes API reference, "RoleBinding v1", Subject).
        struct Subject: Sendable, Hashable {
            var kind: String
            var name: String
            var namespace: String
        }

        var name: String
        /// "" for a ClusterRoleBinding.
        var namespace: String
        var subjects: [Subject]
        /// `Role` or `ClusterRole`.
        var roleKind: String
        var roleName: String

        init(json: JSONObject) {
            let meta = json.object("metadata") ?? JSONObject()
            name = meta.string("name") ?? ""
            namespace = meta.string("namespace") ?? ""
            subjects = (json.array("subjects") ?? []).compactMap(\.objectValue).map {
                Subject(
                    kind: $0.string("kind") ?? "", name: $0.string("name") ?? "",
                    namespace: $0.string("namespace") ?? "")
            }
            roleKind = json.object("roleRef")?.string("kind") ?? ""
            roleName = json.object("roleRef")?.string("name") ?? ""
        }

        /// Whether the binding names this user or one of its groups. A ServiceAccount subject without a
        /// namespace means the binding's own namespace (as the RBAC authorizer's `appliesToUser`).
        func applies(user: String, groups: [String]) -> Bool {
            subjects.contains { subject in
                switch subject.kind {
                case "User": return subject.name == user
                case "Group": return groups.contains(subject.name)
                case "ServiceAccount":
                    let namespace = subject.namespace.isEmpty ? self.namespace : subject.namespace
                    return !namespace.isEmpty && user == "system:serviceaccount:\(namespace):\(subject.name)"
                default: return false
                }
            }
        }
    }

    /// The decision, and why when denied.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        /// "" or `RBAC: clusterrole.rbac.authorization.k8s.io "x" not found` (bindings to missing roles).
        var reason: String
    }

    /// Roles by `namespace/name`.
    var roles: [String: [PolicyRule]] = [:]
    /// ClusterRoles by name.
    var clusterRoles: [String: [PolicyRule]] = [:]
    var roleBindings: [Binding] = []
    var clusterRoleBindings: [Binding] = []

    init() {}

    /// The policy from stored objects of the four RBAC kinds.
    init(roles: [JSONObject], clusterRoles: [JSONObject], roleBindings: [JSONObject], clusterRoleBindings: [JSONObject])
    {
        func rules(_ object: JSONObject) -> [PolicyRule] {
            (object.array("rules") ?? []).compactMap(\.objectValue).map(PolicyRule.init(json:))
        }
        for role in roles {
            let meta = role.object("metadata") ?? JSONObject()
            self.roles["\(meta.string("namespace") ?? "")/\(meta.string("name") ?? "")"] = rules(role)
        }
        for role in clusterRoles {
            self.clusterRoles[role.object("metadata")?.string("name") ?? ""] = rules(role)
        }
        self.roleBindings = roleBindings.map(Binding.init(json:))
        self.clusterRoleBindings = clusterRoleBindings.map(Binding.init(json:))
    }

    /// Every rule that applies to the user in `namespace` ("" for cluster-wide bindings only), with the errors
    /// met on the way (bindings whose role does not exist), in the authorizer's order: cluster bindings first.
    func rules(user: String, groups: [String], namespace: String) -> (rules: [PolicyRule], errors: [String]) {
        var result: [PolicyRule] = []
        var errors: [String] = []
        var bindings = clusterRoleBindings
        if !namespace.isEmpty { bindings += roleBindings.filter { $0.namespace == namespace } }
        for binding in bindings where binding.applies(user: user, groups: groups) {
            if binding.roleKind == "ClusterRole", let rules = clusterRoles[binding.roleName] {
                result += rules
            } else if binding.roleKind == "Role", !binding.namespace.isEmpty,
                let rules = roles["\(binding.namespace)/\(binding.roleName)"]
            {
                result += rules
            } else {
                errors.append(
                    "\(binding.roleKind.lowercased()).rbac.authorization.k8s.io \"\(binding.roleName)\" not found")
            }
        }
        return (result, errors)
    }

    /// Allowed when any applicable rule allows the request; the denial reason lists the evaluation errors as the
    /// RBAC authorizer does (`RBAC: ...`, several as `[a, b]`), and is empty when there were none.
    func decide(_ request: AuthorizationAttributes) -> Decision {
        let (rules, errors) = rules(user: request.user, groups: request.groups, namespace: request.namespace)
        if rules.contains(where: { $0.allows(request) }) { return Decision(allowed: true, reason: "") }
        guard !errors.isEmpty else { return Decision(allowed: false, reason: "") }
        let list = errors.count == 1 ? errors[0] : "[" + errors.joined(separator: ", ") + "]"
        return Decision(allowed: false, reason: "RBAC: \(list)")
    }
}
