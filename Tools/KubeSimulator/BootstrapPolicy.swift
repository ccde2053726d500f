import Events

/// The default roles an RBAC cluster starts with, as far as the simulator serves them (Kubernetes docs, Using
/// RBAC Authorization, "Default roles and role bindings"): `cluster-admin` bound to the group `system:masters`
/// (the simulator's admin token and the default client certificate), `system:discovery` and
/// `system:public-info-viewer` (discovery, OpenAPI, `/version`, health), and `system:basic-user` (a user may ask
/// what it may do: SelfSubjectAccessReview, SelfSubjectRulesReview). Stored like any object, so
/// `kubectl get clusterroles` lists them.
enum BootstrapPolicy {
    static let clusterRoles: [(name: String, rules: [PolicyRule])] = [
        (
            "cluster-admin",
            [
                PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
                PolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
            ]
        ),
        (
            "system:discovery",
            [
                PolicyRule(
                    verbs: ["get"],
                    nonResourceURLs: [
                        "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz",
                        "/version", "/version/",
                    ])
            ]
        ),
        (
            "system:public-info-viewer",
            [PolicyRule(verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"])]
        ),
        (
            "system:basic-user",
            [
                PolicyRule(
                    verbs: ["create"], apiGroups: ["authorization.k8s.io"],
                    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"])
            ]
        ),
    ]

    /// Binding name, role, groups.
    static let clusterRoleBindings: [(name: String, role: String, groups: [String])] = [
        ("cluster-admin", "cluster-admin", ["system:masters"]),
        ("system:discovery", "system:discovery", ["system:authenticated"]),
        ("system:public-info-viewer", "system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
        ("system:basic-user", "system:basic-user", ["system:authenticated"]),
    ]

    /// The objects, ClusterRoles first.
    static var objects: [(ResourceKind, JSONObject)] {
        func metadata(_ name: String) -> JSONValue {
            .object(
                JSONObject([
                    .init(key: "name", value: .string(name)),
                    .init(
                        key: "labels",
                        value: .object(
                            JSONObject([.init(key: "kubernetes.io/bootstrapping", value: .string("rbac-defaults"))]))),
                ]))
        }
        let roles = clusterRoles.map { role in
            (
                ResourceKind.clusterRoles,
                JSONObject([
                    .init(key: "apiVersion", value: .string("rbac.authorization.k8s.io/v1")),
                    .init(key: "kind", value: .string("ClusterRole")),
                    .init(key: "metadata", value: metadata(role.name)),
                    .init(key: "rules", value: .array(role.rules.map(\.json))),
                ])
            )
        }
        let bindings = clusterRoleBindings.map { binding in
            (
                ResourceKind.clusterRoleBindings,
                JSONObject([
                    .init(key: "apiVersion", value: .string("rbac.authorization.k8s.io/v1")),
                    .init(key: "kind", value: .string("ClusterRoleBinding")),
                    .init(key: "metadata", value: metadata(binding.name)),
                    .init(
                        key: "roleRef",
                        value: .object(
                            JSONObject([
                                .init(key: "apiGroup", value: .string("rbac.authorization.k8s.io")),
                                .init(key: "kind", value: .string("ClusterRole")),
                                .init(key: "name", value: .string(binding.role)),
                            ]))),
                    .init(
                        key: "subjects",
                        value: .array(
                            binding.groups.map { group in
                                .object(
                                    JSONObject([
                                        .init(key: "apiGroup", value: .string("rbac.authorization.k8s.io")),
                                        .init(key: "kind", value: .string("Group")),
                                        .init(key: "name", value: .string(group)),
                                    ]))
                            })),
                ])
            )
        }
        return roles + bindings
    }
}
