import Events

/// The discovery documents (`/api`, `/apis`, resource lists) and `/version`.
enum Discovery {
    /// `/version`.
    static func version(minor: Int) -> JSONValue {
        .object(
            JSONObject([
                .init(key: "major", value: .string("1")), .init(key: "minor", value: .string(String(minor))),
                .init(key: "gitVersion", value: .string("v1.\(minor).0-k8s-api-simulator")),
                .init(key: "gitCommit", value: .string("0000000000000000000000000000000000000000")),
                .init(key: "gitTreeState", value: .string("clean")),
                .init(key: "buildDate", value: .string("2025-01-01T00:00:00Z")),
                .init(key: "goVersion", value: .string("go1.24.0")), .init(key: "compiler", value: .string("gc")),
                .init(key: "platform", value: .string("linux/amd64")),
            ]))
    }

    /// The document at a discovery path, or `nil` (404).
    static func document(path: [String], serverAddress: String) -> JSONValue? {
        switch path.count {
        case 0:
            let paths =
                ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version"]
                + ResourceKind.groups.flatMap { ["/apis/\($0)", "/apis/\($0)/v1"] }
            return .object(JSONObject([.init(key: "paths", value: .array(paths.sorted().map(JSONValue.string)))]))
        case 1 where path[0] == "api":
            return .object(
                JSONObject([
                    .init(key: "kind", value: .string("APIVersions")),
                    .init(key: "versions", value: .array([.string("v1")])),
                    .init(
                        key: "serverAddressByClientCIDRs",
                        value: .array([
                            .object(
                                JSONObject([
                                    .init(key: "clientCIDR", value: .string("0.0.0.0/0")),
                                    .init(key: "serverAddress", value: .string(serverAddress)),
                                ]))
                        ])),
                ]))
        case 1 where path[0] == "apis":
            return .object(
                JSONObject([
                    .init(key: "kind", value: .string("APIGroupList")), .init(key: "apiVersion", value: .string("v1")),
                    .init(key: "groups", value: .array(ResourceKind.groups.map { group($0) })),
                ]))
        case 2 where path[0] == "api" && path[1] == "v1":
            return resourceList(group: "", version: "v1")
        case 2 where path[0] == "apis" && ResourceKind.groups.contains(path[1]):
            let object = group(path[1]).objectValue ?? JSONObject()
            var result = JSONObject()
            result.append("kind", .string("APIGroup"))
            result.append("apiVersion", .string("v1"))
            for member in object.members { result.append(member.key, member.value) }
            return .object(result)
        case 3 where path[0] == "apis" && ResourceKind.groups.contains(path[1]) && path[2] == "v1":
            return resourceList(group: path[1], version: "v1")
        default:
            return nil
        }
    }

    private static func group(_ name: String) -> JSONValue {
        let version = JSONValue.object(
            JSONObject([
                .init(key: "groupVersion", value: .string("\(name)/v1")), .init(key: "version", value: .string("v1")),
            ]))
        return .object(
            JSONObject([
                .init(key: "name", value: .string(name)), .init(key: "versions", value: .array([version])),
                .init(key: "preferredVersion", value: version),
            ]))
    }

    private static func resourceList(group: String, version: String) -> JSONValue {
        let resources = ResourceKind.all.filter { $0.group == group && $0.version == version }.map {
            kind -> JSONValue in
            var object = JSONObject()
            object.append("name", .string(kind.plural))
            object.append("singularName", .string(kind.singular))
            object.append("namespaced", .bool(kind.namespaced))
            object.append("kind", .string(kind.kind))
            object.append("verbs", .array(kind.verbs.map(JSONValue.string)))
            if !kind.shortNames.isEmpty { object.append("shortNames", .array(kind.shortNames.map(JSONValue.string))) }
            if kind == .pods || kind == .daemonSets { object.append("categories", .array([.string("all")])) }
            return .object(object)
        }
        var list = JSONObject()
        list.append("kind", .string("APIResourceList"))
        if !group.isEmpty { list.append("apiVersion", .string("v1")) }
        list.append("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)"))
        list.append("resources", .array(resources))
        return .object(list)
    }
}
