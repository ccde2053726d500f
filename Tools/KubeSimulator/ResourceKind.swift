/// One resource type the simulator serves, with what discovery says about it.
struct ResourceKind: Hashable, Sendable {
    /// The API group ("" for the core group).
    let group: String
    /// The served version.
    let version: String
    /// The URL segment, e.g. `pods`.
    let plural: String
    /// The singular name, e.g. `pod`.
    let singular: String
    /// The `kind`, e.g. `Pod`.
    let kind: String
    /// Whether objects live in a namespace.
    let namespaced: Bool
    /// kubectl short names.
    let shortNames: [String]
    /// Whether `metadata.generation` is maintained.
    let hasGeneration: Bool
    /// Whether DELETE answers with the deleted object (pods) rather than a `Status`.
    let returnsDeletedObject: Bool

    /// `v1` or `group/version`.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `pods` or `networkpolicies.networking.k8s.io`, as in error messages.
    var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// `Pod` or `NetworkPolicy.networking.k8s.io`, as in Invalid messages.
    var qualifiedKind: String { group.isEmpty ? kind : "\(kind).\(group)" }

    /// The verbs the simulator implements (no watch); the access reviews are create-only, as in the API server.
    var verbs: [String] {
        isAccessReview ? ["create"] : ["create", "delete", "deletecollection", "get", "list", "patch", "update"]
    }

    /// `SelfSubjectAccessReview` and `SelfSubjectRulesReview`: answered from the caller's permissions, never stored.
    var isAccessReview: Bool { group == "authorization.k8s.io" }

    static let namespaces = ResourceKind(
        group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false,
        shortNames: ["ns"], hasGeneration: false, returnsDeletedObject: true)
    static let pods = ResourceKind(
        group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true, shortNames: ["po"],
        hasGeneration: true, returnsDeletedObject: true)
    static let configMaps = ResourceKind(
        group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true,
        shortNames: ["cm"], hasGeneration: false, returnsDeletedObject: false)
    /// `v1` ResourceQuota: stored, and evaluated on Pod creation (``ResourceQuotaAdmission``).
    static let resourceQuotas = ResourceKind(
        group: "", version: "v1", plural: "resourcequotas", singular: "resourcequota", kind: "ResourceQuota",
        namespaced: true, shortNames: ["quota"], hasGeneration: false, returnsDeletedObject: false)
    static let networkPolicies = ResourceKind(
        group: "networking.k8s.io", version: "v1", plural: "networkpolicies", singular: "networkpolicy",
        kind: "NetworkPolicy", namespaced: true, shortNames: ["netpol"], hasGeneration: true,
        returnsDeletedObject: false)
    static let daemonSets = ResourceKind(
        group: "apps", version: "v1", plural: "daemonsets", singular: "daemonset", kind: "DaemonSet", namespaced: true,
        shortNames: ["ds"], hasGeneration: true, returnsDeletedObject: false)

    static let roles = rbac("roles", "role", "Role", namespaced: true)
    static let roleBindings = rbac("rolebindings", "rolebinding", "RoleBinding", namespaced: true)
    static let clusterRoles = rbac("clusterroles", "clusterrole", "ClusterRole", namespaced: false)
    static let clusterRoleBindings = rbac(
        "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", namespaced: false)
    static let selfSubjectAccessReviews = ResourceKind(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews",
        singular: "selfsubjectaccessreview", kind: "SelfSubjectAccessReview", namespaced: false, shortNames: [],
        hasGeneration: false, returnsDeletedObject: false)
    static let selfSubjectRulesReviews = ResourceKind(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectrulesreviews",
        singular: "selfsubjectrulesreview", kind: "SelfSubjectRulesReview", namespaced: false, shortNames: [],
        hasGeneration: false, returnsDeletedObject: false)

    /// Every served resource.
    static let all: [ResourceKind] = [
        namespaces, pods, configMaps, resourceQuotas, networkPolicies, daemonSets, roles, roleBindings, clusterRoles,
        clusterRoleBindings, selfSubjectAccessReviews, selfSubjectRulesReviews,
    ]

    /// The API groups (other than core) in discovery order.
    static let groups: [String] = ["apps", "networking.k8s.io", "rbac.authorization.k8s.io", "authorization.k8s.io"]

    /// The four RBAC kinds (`rbac.authorization.k8s.io/v1`), stored like any object.
    var isRBAC: Bool { group == "rbac.authorization.k8s.io" }

    private static func rbac(_ plural: String, _ singular: String, _ kind: String, namespaced: Bool) -> ResourceKind {
        ResourceKind(
            group: "rbac.authorization.k8s.io", version: "v1", plural: plural, singular: singular, kind: kind,
            namespaced: namespaced, shortNames: [], hasGeneration: false, returnsDeletedObject: false)
    }

    /// The resource served at `group/version/plural`.
    static func lookup(group: String, version: String, plural: String) -> ResourceKind? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The resource with this `kind` (e.g. `"Pod"`) or plural (`"pods"`), case-insensitively.
    static func named(_ name: String) -> ResourceKind? {
        let lower = name.lowercased()
        return all.first {
            $0.kind.lowercased() == lower || $0.plural == lower || $0.singular == lower || $0.shortNames.contains(lower)
        }
    }
}
