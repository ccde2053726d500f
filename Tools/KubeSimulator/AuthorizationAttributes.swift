/// What one request asks to do, as the API server's authorizers see it (Kubernetes docs, "Authorization",
/// "Review your request attributes"): who, which verb, and either a resource or a non-resource path.
struct AuthorizationAttributes: Sendable, Hashable {
    /// The user name (`system:serviceaccount:ns:sa`, a certificate's CN, ...).
    var user: String
    /// The user's groups.
    var groups: [String]
    /// The RBAC verb: get, list, watch, create, update, patch, delete, deletecollection (or any other for paths).
    var verb: String
    /// Whether this addresses an API resource (else `path` is a non-resource URL such as `/version`).
    var isResourceRequest = true
    /// The API group ("" for the core group).
    var apiGroup = ""
    /// The resource plural (`pods`).
    var resource = ""
    /// The subresource (`status`), or "".
    var subresource = ""
    /// The namespace, or "" for a cluster-scoped request.
    var namespace = ""
    /// The object's name, or "" (a collection, or a POST create whose name is not known when it is authorized).
    var name = ""
    /// The request path of a non-resource request.
    var path = ""

    /// A resource request.
    static func resource(
        user: String, groups: [String], verb: String, group: String, resource: String, subresource: String = "",
        namespace: String = "", name: String = ""
    ) -> AuthorizationAttributes {
        AuthorizationAttributes(
            user: user, groups: groups, verb: verb, apiGroup: group, resource: resource, subresource: subresource,
            namespace: namespace, name: name)
    }

    /// A non-resource request (`GET /version`).
    static func nonResource(user: String, groups: [String], verb: String, path: String) -> AuthorizationAttributes {
        AuthorizationAttributes(user: user, groups: groups, verb: verb, isResourceRequest: false, path: path)
    }

    /// The API server's denial text (`forbiddenMessage` in the apiserver's response writers): `User "u" cannot
    /// create resource "pods" in API group "" in the namespace "ns"`, `... at the cluster scope`, or
    /// `User "u" cannot get path "/x"`.
    var forbiddenMessage: String {
        guard isResourceRequest else { return "User \"\(user)\" cannot \(verb) path \"\(path)\"" }
        let combined = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        return "User \"\(user)\" cannot \(verb) resource \"\(combined)\" in API group \"\(apiGroup)\" \(scope)"
    }
}
