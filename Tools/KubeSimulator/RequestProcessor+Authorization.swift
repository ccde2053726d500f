import Events

/// The authorization step between authentication and execution (API server order: authenticate, authorize,
/// admit, store), and the access reviews that ask it questions.
extension RequestProcessor {
    /// `nil` when the request may go on; else the 403 to answer. Records every decision in RBAC mode.
    ///
    /// A server-side apply that will create its object is authorized a second time with verb `create` and the
    /// object's name, as the API server does for a PATCH or PUT that creates (kube-apiserver's patch and update
    /// handlers wrap create validation in an authorization check). The simulator decides this when the request
    /// arrives, from whether the object exists then. (A PUT never creates in the simulator: none of the resources
    /// it serves allows create-on-update.)
    func authorize(_ route: Route, _ request: HTTPRequest, _ identity: Identity) -> HTTPResponse? {
        guard authorization.withLock({ $0.mode }) == .rbac,
            let attributes = Self.attributes(route, request, identity)
        else { return nil }
        let policy = rbacPolicy()
        let decision = policy.decide(attributes)
        authorization.withLock { $0.record(attributes, allowed: decision.allowed) }
        guard decision.allowed else {
            return Self.forbidden(attributes, message: attributes.forbiddenMessage, reason: decision.reason).response
        }
        guard route.verb == "apply", !attributes.name.isEmpty,
            case .resource(let kind, let namespace, let name, _) = route.target,
            store.withLock({ $0.stored(kind, namespace ?? "", name) }) == nil
        else { return nil }
        var create = attributes
        create.verb = "create"
        let second = policy.decide(create)
        authorization.withLock { $0.record(create, allowed: second.allowed) }
        if second.allowed { return nil }
        // The apiserver's `withAuthorization` answers with the authorizer's reason alone (empty for a plain RBAC
        // denial): `networkpolicies.networking.k8s.io "executor-deny-all" is forbidden: `.
        return Self.forbidden(create, message: second.reason, reason: "").response
    }

    /// The RBAC objects stored now.
    func rbacPolicy() -> RBACPolicy {
        store.withLock { store in
            func objects(_ kind: ResourceKind) -> [JSONObject] {
                store.matching(kind, namespace: nil, options: ListOptions()).map(\.object)
            }
            return RBACPolicy(
                roles: objects(.roles), clusterRoles: objects(.clusterRoles), roleBindings: objects(.roleBindings),
                clusterRoleBindings: objects(.clusterRoleBindings))
        }
    }

    /// What the authorizer is asked for this request, as the apiserver's request-info resolver derives it; `nil`
    /// for what is not authorized here (health, `/version`, the simulator's control endpoint, unknown paths).
    static func attributes(_ route: Route, _ request: HTTPRequest, _ identity: Identity) -> AuthorizationAttributes? {
        switch route.target {
        case .discovery:
            return .nonResource(
                user: identity.user, groups: identity.groups, verb: request.method.lowercased(), path: request.path)
        case .resource(let kind, let namespace, var name, let subresource):
            let verb = route.verb == "apply" ? "patch" : route.verb
            if name.isEmpty && (verb == "list" || verb == "watch") { name = selectedName(request) }
            // `/api/v1/namespaces/<name>` is "in the namespace <name>" for the request-info resolver.
            let scope = kind == .namespaces ? (route.target.namespaceObjectName ?? "") : (namespace ?? "")
            return .resource(
                user: identity.user, groups: identity.groups, verb: verb, group: kind.group, resource: kind.plural,
                subresource: subresource, namespace: scope, name: name)
        default:
            return nil
        }
    }

    /// A list or watch selecting one name (`fieldSelector=metadata.name=x`) is authorized with that name.
    private static func selectedName(_ request: HTTPRequest) -> String {
        guard let selector = request.queryValue("fieldSelector") else { return "" }
        for term in selector.split(separator: ",") {
            for prefix in ["metadata.name==", "metadata.name="] where term.hasPrefix(prefix) {
                return String(term.dropFirst(prefix.count))
            }
        }
        return ""
    }

    /// The apiserver's `NewForbidden`: `pods "x" is forbidden: ...`, `pods is forbidden: ...` without a name,
    /// `forbidden: ...` for a non-resource path; `reason` (the authorizer's) appended after `: ` when not empty.
    static func forbidden(_ attributes: AuthorizationAttributes, message: String, reason: String) -> APIStatus {
        let detail = reason.isEmpty ? message : "\(message): \(reason)"
        guard attributes.isResourceRequest else {
            return APIStatus(code: 403, reason: "Forbidden", message: "forbidden: \(detail)")
        }
        let qualified =
            attributes.apiGroup.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.apiGroup)"
        let text =
            attributes.name.isEmpty
            ? "\(qualified) is forbidden: \(detail)" : "\(qualified) \"\(attributes.name)\" is forbidden: \(detail)"
        return APIStatus(
            code: 403, reason: "Forbidden", message: text, name: attributes.name, group: attributes.apiGroup,
            kind: attributes.resource)
    }
}

extension Route.Target {
    /// The name in `/api/v1/namespaces/<name>[/status]`, else `nil`.
    var namespaceObjectName: String? {
        guard case .resource(let kind, _, let name, _) = self, kind == .namespaces, !name.isEmpty else { return nil }
        return name
    }
}
