/// How the simulator authorizes requests, like the API server's `--authorization-mode`.
public struct AuthorizationConfiguration: Sendable {
    /// The authorizer.
    public enum Mode: String, Sendable, CaseIterable {
        /// Every authenticated request is allowed (the default, and the simulator's behaviour before RBAC).
        case alwaysAllow = "AlwaysAllow"
        /// Roles and bindings decide (Kubernetes docs, "Using RBAC Authorization"); denials answer 403.
        case rbac = "RBAC"
    }

    /// The authorizer.
    public var mode: Mode = .alwaysAllow
    /// Role, ClusterRole, RoleBinding and ClusterRoleBinding documents stored at start (RBAC mode).
    public var policies: [RBACPolicySource] = []
    /// Authorization decisions kept for inspection: the most recent denials, and distinct allowed checks.
    public var recordCapacity = 10_000

    /// Always allow.
    public init() {}

    /// RBAC with these policies.
    public init(rbac policies: [RBACPolicySource]) {
        mode = .rbac
        self.policies = policies
    }
}

/// A service account, as the API server names its user (`system:serviceaccount:<namespace>:<name>`).
public struct ServiceAccountName: Sendable, Hashable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `system:serviceaccount:<namespace>:<name>`.
    public var userName: String { "system:serviceaccount:\(namespace):\(name)" }

    /// The groups every service account token carries (besides `system:authenticated`).
    public var groups: [String] { ["system:serviceaccounts", "system:serviceaccounts:\(namespace)"] }
}
