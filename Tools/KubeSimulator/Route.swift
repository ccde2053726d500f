/// What a request path and method address.
struct Route: Sendable, Equatable {
    /// The kind of endpoint.
    enum Target: Sendable, Equatable {
        /// `/healthz`, `/livez`, `/readyz` (anonymous).
        case health
        /// `/version` (anonymous).
        case version
        /// Discovery and OpenAPI documents.
        case discovery(path: [String])
        /// `/_sim/...`.
        case control(path: [String])
        /// A Kubernetes resource (collection when `name` is empty).
        case resource(ResourceKind, namespace: String?, name: String, subresource: String)
        /// Nothing is served here.
        case unknown
    }

    var target: Target
    /// The Kubernetes verb, for logs and fault targeting.
    var verb: String

    /// The resource plural, or "".
    var resourceName: String {
        if case .resource(let kind, _, _, _) = target { return kind.plural }
        return ""
    }

    /// Classifies `method path`.
    init(method: String, path: String, query: [(name: String, value: String)], mediaType: String) {
        let segments = path.split(separator: "/").map(String.init)
        verb = "get"
        guard let first = segments.first else {
            target = .discovery(path: [])
            verb = "discovery"
            return
        }
        switch first {
        case "healthz", "livez", "readyz":
            target = .health
            verb = "health"
        case "version":
            target = segments.count == 1 ? .version : .unknown
            verb = "discovery"
        case "openapi":
            target = .discovery(path: segments)
            verb = "discovery"
        case "_sim":
            target = .control(path: Array(segments.dropFirst()))
            verb = "control"
        case "api", "apis":
            let isCore = first == "api"
            let prefixLength = isCore ? 2 : 3
            if segments.count < prefixLength {
                target = .discovery(path: segments)
                verb = "discovery"
                return
            }
            let group = isCore ? "" : segments[1]
            let version = isCore ? segments[1] : segments[2]
            let rest = Array(segments.dropFirst(prefixLength))
            if rest.isEmpty {
                target = .discovery(path: segments)
                verb = "discovery"
                return
            }
            target = Self.resourceTarget(group: group, version: version, rest: rest)
            if case .resource(_, _, let name, _) = target {
                verb = Self.verb(method: method, isItem: !name.isEmpty, query: query, mediaType: mediaType)
            }
        default:
            target = .unknown
        }
    }

    private static func resourceTarget(group: String, version: String, rest: [String]) -> Target {
        func lookup(_ plural: String) -> ResourceKind? {
            ResourceKind.lookup(group: group, version: version, plural: plural)
        }
        if rest[0] == "namespaces" && group.isEmpty {
            switch rest.count {
            case 1: return .resource(.namespaces, namespace: nil, name: "", subresource: "")
            case 2: return .resource(.namespaces, namespace: nil, name: rest[1], subresource: "")
            default:
                if rest.count == 3, rest[2] == "status" || rest[2] == "finalize" {
                    return .resource(.namespaces, namespace: nil, name: rest[1], subresource: rest[2])
                }
            }
        }
        if rest[0] == "namespaces", rest.count >= 3, let kind = lookup(rest[2]), kind.namespaced, rest.count <= 5 {
            return .resource(
                kind, namespace: rest[1], name: rest.count >= 4 ? rest[3] : "",
                subresource: rest.count == 5 ? rest[4] : "")
        }
        if let kind = lookup(rest[0]), rest.count <= 3 {
            if kind.namespaced {
                return rest.count == 1 ? .resource(kind, namespace: nil, name: "", subresource: "") : .unknown
            }
            return .resource(
                kind, namespace: nil, name: rest.count >= 2 ? rest[1] : "", subresource: rest.count == 3 ? rest[2] : "")
        }
        return .unknown
    }

    private static func verb(
        method: String, isItem: Bool, query: [(name: String, value: String)], mediaType: String
    ) -> String {
        switch method {
        case "GET", "HEAD":
            if query.contains(where: { $0.name == "watch" && ($0.value == "true" || $0.value == "1") }) {
                return "watch"
            }
            return isItem ? "get" : "list"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return mediaType.hasPrefix("application/apply-patch") ? "apply" : "patch"
        case "DELETE": return isItem ? "delete" : "deletecollection"
        default: return method.lowercased()
        }
    }
}
