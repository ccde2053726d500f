import Events

/// What the API server's validation refuses in RBAC objects (the subset a policy file can get wrong).
enum RBACValidation {
    /// A Role or ClusterRole: every rule has verbs, and either resources with apiGroups or nonResourceURLs (the
    /// latter only in a ClusterRole; a Role's rules are namespaced).
    static func validateRole(_ object: JSONObject) -> [FieldError] {
        let namespaced = !(object.object("metadata")?.string("namespace") ?? "").isEmpty
        var errors: [FieldError] = []
        for (index, item) in (object.array("rules") ?? []).enumerated() {
            let rule = PolicyRule(json: item.objectValue ?? JSONObject())
            let path = "rules[\(index)]"
            if rule.verbs.isEmpty { errors.append(.required("\(path).verbs", "verbs must contain at least one value")) }
            if !rule.nonResourceURLs.isEmpty {
                if namespaced {
                    errors.append(
                        .invalid("\(path).nonResourceURLs", "", "namespaced rules cannot apply to non-resource URLs"))
                }
                if !rule.resources.isEmpty || !rule.apiGroups.isEmpty || !rule.resourceNames.isEmpty {
                    errors.append(
                        .invalid(path, "", "rules cannot apply to both regular resources and non-resource URLs"))
                }
            } else if rule.resources.isEmpty || rule.apiGroups.isEmpty {
                errors.append(
                    .required(path, "resource rules must supply at least one api group and at least one resource"))
            }
        }
        return errors
    }

    /// A RoleBinding or ClusterRoleBinding: a roleRef to a Role (RoleBinding only) or ClusterRole in the RBAC
    /// group, and subjects of a known kind with a name (a ServiceAccount in a ClusterRoleBinding with a namespace).
    static func validateBinding(_ object: JSONObject, clusterScoped: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        let roleRef = object.object("roleRef") ?? JSONObject()
        let kinds = clusterScoped ? ["ClusterRole"] : ["Role", "ClusterRole"]
        let kind = roleRef.string("kind") ?? ""
        if !kinds.contains(kind) {
            errors.append(
                FieldError(
                    kind: .notSupported, field: "roleRef.kind", value: FieldError.quote(kind),
                    detail: "supported values: " + kinds.map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        if roleRef.string("apiGroup") != "rbac.authorization.k8s.io" {
            errors.append(
                FieldError(
                    kind: .notSupported, field: "roleRef.apiGroup",
                    value: FieldError.quote(roleRef.string("apiGroup") ?? ""),
                    detail: "supported values: \"rbac.authorization.k8s.io\""))
        }
        if (roleRef.string("name") ?? "").isEmpty { errors.append(.required("roleRef.name")) }
        for (index, item) in (object.array("subjects") ?? []).enumerated() {
            let subject = item.objectValue ?? JSONObject()
            let path = "subjects[\(index)]"
            let subjectKind = subject.string("kind") ?? ""
            if (subject.string("name") ?? "").isEmpty { errors.append(.required("\(path).name")) }
            switch subjectKind {
            case "User", "Group":
                break
            case "ServiceAccount":
                if clusterScoped && (subject.string("namespace") ?? "").isEmpty {
                    errors.append(.required("\(path).namespace"))
                }
            default:
                errors.append(
                    FieldError(
                        kind: .notSupported, field: "\(path).kind", value: FieldError.quote(subjectKind),
                        detail: "supported values: \"ServiceAccount\", \"User\", \"Group\""))
            }
        }
        return errors
    }
}
