import Events

/// A minimal OpenAPI v3 surface: enough for kubectl to learn that every resource accepts the `fieldValidation`
/// parameter, so `kubectl create/apply` rely on server-side validation instead of downloading schemas.
/// There are no schemas; clients that need them (e.g. `kubectl explain`) are not served.
enum OpenAPIDocument {
    /// `/openapi/v3`, or `/openapi/v3/<group-version path>`; `nil` for anything else (404).
    static func document(path: [String], minor: Int) -> JSONValue? {
        guard path.count >= 2, path[0] == "openapi", path[1] == "v3" else { return nil }
        let groupVersions = [("api/v1", "", "v1")] + ResourceKind.groups.map { ("apis/\($0)/v1", $0, "v1") }
        if path.count == 2 {
            return .object(
                JSONObject([
                    .init(
                        key: "paths",
                        value: .object(
                            JSONObject(
                                groupVersions.map { key, _, _ in
                                    .init(
                                        key: key,
                                        value: .object(
                                            JSONObject([
                                                .init(
                                                    key: "serverRelativeURL",
                                                    value: .string("/openapi/v3/\(key)?hash=k8s-api-simulator-\(minor)")
                                                )
                                            ])))
                                })))
                ]))
        }
        let requested = path.dropFirst(2).joined(separator: "/")
        guard let (_, group, version) = groupVersions.first(where: { $0.0 == requested }) else { return nil }
        var paths = JSONObject()
        for resource in ResourceKind.all where resource.group == group && resource.version == version {
            let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
            let item =
                resource.namespaced
                ? "\(prefix)/namespaces/{namespace}/\(resource.plural)/{name}" : "\(prefix)/\(resource.plural)/{name}"
            let gvk = JSONValue.object(
                JSONObject([
                    .init(key: "group", value: .string(group)), .init(key: "version", value: .string(version)),
                    .init(key: "kind", value: .string(resource.kind)),
                ]))
            let parameters = JSONValue.array(
                ["dryRun", "fieldManager", "fieldValidation", "force"].map { name in
                    .object(
                        JSONObject([
                            .init(key: "name", value: .string(name)), .init(key: "in", value: .string("query")),
                            .init(
                                key: "schema",
                                value: .object(
                                    JSONObject([
                                        .init(key: "type", value: .string(name == "force" ? "boolean" : "string"))
                                    ]))),
                        ]))
                })
            let operation = JSONValue.object(
                JSONObject([
                    .init(key: "x-kubernetes-group-version-kind", value: gvk),
                    .init(key: "parameters", value: parameters),
                    .init(key: "responses", value: .object(JSONObject())),
                ]))
            paths.append(
                item, .object(JSONObject([.init(key: "patch", value: operation), .init(key: "put", value: operation)])))
        }
        return .object(
            JSONObject([
                .init(key: "openapi", value: .string("3.0.0")),
                .init(
                    key: "info",
                    value: .object(
                        JSONObject([
                            .init(key: "title", value: .string("Kubernetes")),
                            .init(key: "version", value: .string("v1.\(minor).0")),
                        ]))),
                .init(key: "paths", value: .object(paths)),
                .init(
                    key: "components", value: .object(JSONObject([.init(key: "schemas", value: .object(JSONObject()))]))
                ),
            ]))
    }
}
