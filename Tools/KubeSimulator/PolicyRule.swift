import Events

/// One rule of a Role or ClusterRole (Kubernetes API reference, "Role v1", PolicyRule), and how RBAC matches a
/// request against it (Kubernetes docs, "Using RBAC Authorization", "Referring to resources").
struct PolicyRule: Sendable, Hashable {
    var verbs: [String] = []
    var apiGroups: [String] = []
    var resources: [String] = []
    var resourceNames: [String] = []
    var nonResourceURLs: [String] = []

    /// The rule from its JSON form; members of the wrong type read as empty (validation reports them).
    init(json: JSONObject) {
        func strings(_ key: String) -> [String] { (json.array(key) ?? []).compactMap(\.stringValue) }
        verbs = strings("verbs")
        apiGroups = strings("apiGroups")
        resources = strings("resources")
        resourceNames = strings("resourceNames")
        nonResourceURLs = strings("nonResourceURLs")
    }

    init(
        verbs: [String], apiGroups: [String] = [], resources: [String] = [], resourceNames: [String] = [],
        nonResourceURLs: [String] = []
    ) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    /// The JSON form, empty lists left out.
    var json: JSONValue {
        var object = JSONObject()
        for (key, values) in [
            ("verbs", verbs), ("apiGroups", apiGroups), ("resources", resources), ("resourceNames", resourceNames),
            ("nonResourceURLs", nonResourceURLs),
        ] where !values.isEmpty || key == "verbs" {
            object.append(key, .array(values.map(JSONValue.string)))
        }
        return .object(object)
    }

    /// Whether this rule allows the request.
    ///
    /// Resource requests: the verb, the API group, the resource (`pods`, `pods/status`, `*`, `*/status`) and, when
    /// the rule lists `resourceNames`, the request's name must match. A request without a name (a POST create, a
    /// list, a watch, a deletecollection) never matches a rule with `resourceNames`: "you cannot restrict create
    /// or deletecollection requests by their resource name" (Kubernetes docs, Using RBAC Authorization). The
    /// second check of an apply or PUT that creates an object carries the name, so it does match.
    func allows(_ request: AuthorizationAttributes) -> Bool {
        guard verbs.contains("*") || verbs.contains(request.verb) else { return false }
        guard request.isResourceRequest else {
            return nonResourceURLs.contains { url in
                url == "*" || url == request.path
                    || (url.hasSuffix("*") && request.path.hasPrefix(String(url.dropLast())))
            }
        }
        guard apiGroups.contains("*") || apiGroups.contains(request.apiGroup) else { return false }
        let combined = request.subresource.isEmpty ? request.resource : "\(request.resource)/\(request.subresource)"
        let resourceMatches = resources.contains { resource in
            resource == "*" || resource == combined
                || (!request.subresource.isEmpty && resource == "*/\(request.subresource)")
        }
        guard resourceMatches else { return false }
        return resourceNames.isEmpty || resourceNames.contains(request.name)
    }
}
