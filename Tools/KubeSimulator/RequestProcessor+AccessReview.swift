import Events

/// `SelfSubjectAccessReview` ("may I do this?", `kubectl auth can-i VERB RESOURCE`) and
/// `SelfSubjectRulesReview` ("what may I do in this namespace?", `kubectl auth can-i --list`), answered from the
/// caller's own identity (Kubernetes docs, Authorization, "Checking API access"). Never stored.
extension RequestProcessor {
    func accessReview(_ kind: ResourceKind, _ request: HTTPRequest, _ identity: Identity) -> HTTPResponse {
        guard request.method == "POST" else {
            return APIStatus.methodNotSupported(request.method, request.path).response
        }
        let spec: JSONObject
        if request.mediaType.hasPrefix("application/vnd.kubernetes.protobuf") {
            guard let decoded = AccessReviewProtobuf.spec(request.body, kind: kind) else {
                return APIStatus.badRequest("the protobuf body is not a \(kind.kind)").response
            }
            spec = decoded
        } else {
            do {
                spec =
                    try JSONParser(limits: .init(maxDepth: 32, maxInputBytes: limits.maxBodyBytes)).parse(request.body)
                    .objectValue?.object("spec") ?? JSONObject()
            } catch {
                return APIStatus.badRequest("json parse error: \(error)").response
            }
        }
        let status: JSONObject
        do throws(APIStatus) {
            status =
                kind == .selfSubjectAccessReviews
                ? try accessStatus(spec, identity) : rulesStatus(namespace: spec.string("namespace") ?? "", identity)
        } catch {
            return error.response
        }
        var result = JSONObject()
        result.append("kind", .string(kind.kind))
        result.append("apiVersion", .string(kind.apiVersion))
        result.append("metadata", .object(JSONObject([.init(key: "creationTimestamp", value: .null)])))
        result.append("spec", .object(spec))
        result.append("status", .object(status))
        return .json(201, .object(result))
    }

    private func accessStatus(_ spec: JSONObject, _ identity: Identity) throws(APIStatus) -> JSONObject {
        let attributes: AuthorizationAttributes
        switch (spec.object("resourceAttributes"), spec.object("nonResourceAttributes")) {
        case (let resource?, nil):
            attributes = .resource(
                user: identity.user, groups: identity.groups, verb: resource.string("verb") ?? "",
                group: resource.string("group") ?? "", resource: resource.string("resource") ?? "",
                subresource: resource.string("subresource") ?? "", namespace: resource.string("namespace") ?? "",
                name: resource.string("name") ?? "")
        case (nil, let nonResource?):
            attributes = .nonResource(
                user: identity.user, groups: identity.groups, verb: nonResource.string("verb") ?? "",
                path: nonResource.string("path") ?? "")
        default:
            throw APIStatus.invalid(
                .selfSubjectAccessReviews, "",
                [
                    .invalid(
                        "spec.resourceAttributes", "",
                        "exactly one of nonResourceAttributes or resourceAttributes must be specified")
                ])
        }
        var status = JSONObject()
        if authorization.withLock({ $0.mode }) == .alwaysAllow {
            status.append("allowed", .bool(true))
            return status
        }
        let decision = rbacPolicy().decide(attributes)
        status.append("allowed", .bool(decision.allowed))
        if !decision.reason.isEmpty { status.append("reason", .string(decision.reason)) }
        return status
    }

    private func rulesStatus(namespace: String, _ identity: Identity) -> JSONObject {
        let rules: [PolicyRule]
        var errors: [String] = []
        if authorization.withLock({ $0.mode }) == .alwaysAllow {
            rules = [
                PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
                PolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
            ]
        } else {
            (rules, errors) = rbacPolicy().rules(user: identity.user, groups: identity.groups, namespace: namespace)
        }
        func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
        var resourceRules: [JSONValue] = []
        var nonResourceRules: [JSONValue] = []
        for rule in rules {
            if rule.nonResourceURLs.isEmpty {
                var entry = JSONObject()
                entry.append("verbs", strings(rule.verbs))
                entry.append("apiGroups", strings(rule.apiGroups))
                entry.append("resources", strings(rule.resources))
                if !rule.resourceNames.isEmpty { entry.append("resourceNames", strings(rule.resourceNames)) }
                resourceRules.append(.object(entry))
            } else {
                nonResourceRules.append(
                    .object(
                        JSONObject([
                            .init(key: "verbs", value: strings(rule.verbs)),
                            .init(key: "nonResourceURLs", value: strings(rule.nonResourceURLs)),
                        ])))
            }
        }
        var status = JSONObject()
        status.append("resourceRules", .array(resourceRules))
        status.append("nonResourceRules", .array(nonResourceRules))
        status.append("incomplete", .bool(!errors.isEmpty))
        if !errors.isEmpty { status.append("evaluationError", .string(errors.joined(separator: ", "))) }
        return status
    }
}
