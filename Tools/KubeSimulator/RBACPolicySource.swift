import Events
import Yams

/// Role, ClusterRole, RoleBinding and ClusterRoleBinding documents to store at start: a YAML or JSON file or text,
/// several documents separated by `---` (as `deploy/kubernetes/rbac.yaml`). ServiceAccount documents are skipped
/// (the simulator serves no ServiceAccounts; see ``SimulatorConfiguration/tokenServiceAccount``); any other kind
/// is refused.
public struct RBACPolicySource: Sendable, Hashable {
    /// Where the documents come from.
    public enum Origin: Sendable, Hashable {
        /// A file, read at start.
        case file(String)
        /// Text, with a name for messages.
        case text(String, name: String)
    }

    public var origin: Origin
    /// Namespace renames (`integr8scode` → `test-ns`), so the shipped file can serve a test's namespace. Applied
    /// to each document consistently: `metadata.namespace`, ServiceAccount subjects' `namespace`, and the
    /// `resourceNames` of rules on `namespaces` (the namespace object the file grants by name). Object names are
    /// left as they are.
    public var namespaceRenames: [String: String]

    public init(_ origin: Origin, namespaceRenames: [String: String] = [:]) {
        self.origin = origin
        self.namespaceRenames = namespaceRenames
    }

    /// What the source is called in messages.
    var displayName: String {
        switch origin {
        case .file(let path): path
        case .text(_, let name): name
        }
    }

    /// The RBAC documents, renamed, in file order.
    func documents() throws(SimulatorError) -> [(ResourceKind, JSONObject)] {
        let text: String
        switch origin {
        case .file(let path):
            let bytes = try FileIO.read(path, limit: 4 * 1024 * 1024)
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw SimulatorError(.invalidArgument, "RBAC policy \(path) is not valid UTF-8")
            }
            text = decoded
        case .text(let value, _):
            text = value
        }
        var result: [(ResourceKind, JSONObject)] = []
        for (index, value) in try Self.parse(text, name: displayName).enumerated() {
            guard case .object(let object) = value else {
                if value == .null { continue }
                throw SimulatorError(
                    .invalidArgument, "RBAC policy \(displayName), document \(index + 1): not an object")
            }
            let kindName = object.string("kind") ?? ""
            let apiVersion = object.string("apiVersion") ?? ""
            if kindName == "ServiceAccount" && apiVersion == "v1" { continue }
            guard apiVersion == "rbac.authorization.k8s.io/v1",
                let kind = [ResourceKind.roles, .clusterRoles, .roleBindings, .clusterRoleBindings].first(where: {
                    $0.kind == kindName
                })
            else {
                throw SimulatorError(
                    .invalidArgument,
                    "RBAC policy \(displayName), document \(index + 1): \(apiVersion) \(kindName) is not a Role, "
                        + "ClusterRole, RoleBinding or ClusterRoleBinding of rbac.authorization.k8s.io/v1")
            }
            result.append((kind, Self.renamingNamespaces(object, namespaceRenames)))
        }
        return result
    }

    /// The namespace rename described at ``namespaceRenames``.
    static func renamingNamespaces(_ object: JSONObject, _ renames: [String: String]) -> JSONObject {
        guard !renames.isEmpty else { return object }
        func renamed(_ value: JSONValue?) -> JSONValue? {
            guard let name = value?.stringValue, let replacement = renames[name] else { return value }
            return .string(replacement)
        }
        var result = object
        if let namespace = renamed(object.object("metadata")?["namespace"]) {
            result.set(path: ["metadata", "namespace"], namespace)
        }
        if let subjects = object.array("subjects") {
            result.set(
                "subjects",
                .array(
                    subjects.map { item in
                        guard var subject = item.objectValue, subject.string("kind") == "ServiceAccount",
                            let namespace = renamed(subject["namespace"])
                        else { return item }
                        subject.set("namespace", namespace)
                        return .object(subject)
                    }))
        }
        if let rules = object.array("rules") {
            result.set(
                "rules",
                .array(
                    rules.map { item in
                        guard var rule = item.objectValue,
                            (rule.array("resources") ?? []).contains(.string("namespaces")),
                            let names = rule.array("resourceNames")
                        else { return item }
                        rule.set("resourceNames", .array(names.map { renamed($0) ?? $0 }))
                        return .object(rule)
                    }))
        }
        return result
    }

    /// YAML (a superset of JSON) documents as JSON values. Errors name the position, never the text around it.
    static func parse(_ text: String, name: String) throws(SimulatorError) -> [JSONValue] {
        do {
            // Parser.nextRoot throws on a syntax error (compose_all's sequence would end there silently).
            let parser = try Parser(yaml: text)
            var documents: [JSONValue] = []
            while let node = try parser.nextRoot() {
                documents.append(try json(node, name: name))
            }
            return documents
        } catch let error as SimulatorError {
            throw error
        } catch let error as YamlError {
            throw SimulatorError(.invalidArgument, "RBAC policy \(name) is not valid YAML: \(describe(error))")
        } catch {
            throw SimulatorError(.invalidArgument, "RBAC policy \(name) is not valid YAML")
        }
    }

    private static func json(_ node: Node, name: String) throws -> JSONValue {
        switch node {
        case .scalar:
            if node.null != nil { return .null }
            if let bool = node.bool { return .bool(bool) }
            if let int = node.int { return .integer(int) }
            return .string(node.string ?? "")
        case .sequence(let sequence):
            return .array(try sequence.map { try json($0, name: name) })
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard let key = key.string else {
                    throw SimulatorError(.invalidArgument, "RBAC policy \(name): a mapping key is not a string")
                }
                object.append(key, try json(value, name: name))
            }
            return .object(object)
        case .alias:
            throw SimulatorError(.invalidArgument, "RBAC policy \(name): YAML aliases are not supported")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        default:
            return "unreadable"
        }
    }
}
