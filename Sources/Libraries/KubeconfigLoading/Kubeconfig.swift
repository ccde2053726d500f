import KubeClient
import Yams

/// The kubeconfig files of one load, parsed and merged: named clusters, users and contexts plus the current
/// context. Merging follows client-go: the first file that defines a name (or `current-context`) wins.
struct Kubeconfig {
    /// One named entry (`clusters[]`, `users[]`, `contexts[]`), with the file it came from.
    struct Entry {
        /// The entry's body (`cluster:`, `user:` or `context:`).
        let fields: YAMLFields
        /// The file that defined it: relative paths inside resolve against its directory.
        let file: String
    }

    private(set) var clusters: [String: Entry] = [:]
    private(set) var users: [String: Entry] = [:]
    private(set) var contexts: [String: Entry] = [:]
    private(set) var currentContext: String?
    /// The files, in merge order.
    let files: [String]

    /// Parses and merges `paths` (each must exist and be valid).
    init(paths: [String]) throws(KubeAPIError) {
        files = paths
        for path in paths {
            try merge(file: path)
        }
    }

    private mutating func merge(file: String) throws(KubeAPIError) {
        let bytes = try ConfigFiles.read(file, purpose: "kubeconfig")
        let root = try YAMLFields(Self.parse(bytes, file: file), file: file, location: "the document")
        for (key, body) in [("clusters", "cluster"), ("users", "user"), ("contexts", "context")] {
            for (index, item) in try root.sequence(key).enumerated() {
                let entry = try YAMLFields(item, file: file, location: "\(key)[\(index)]")
                guard let name = try entry.nonEmptyString("name") else { throw entry.problem("has no name") }
                let located = Entry(
                    fields: try YAMLFields(
                        entry.value(body), file: file, location: "\(key)[\"\(name)\"].\(body)"),
                    file: file)
                switch key {
                case "clusters": if clusters[name] == nil { clusters[name] = located }
                case "users": if users[name] == nil { users[name] = located }
                default: if contexts[name] == nil { contexts[name] = located }
                }
            }
        }
        if currentContext == nil, let current = try root.nonEmptyString("current-context") {
            currentContext = current
        }
    }

    /// Parses YAML text. A syntax error reports the position and libyaml's problem text, never the snippet of
    /// the file around it (which Yams' own description prints, and which may hold a token).
    static func parse(_ bytes: [UInt8], file: String) throws(KubeAPIError) -> Node? {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw KubeAPIError.configuration("kubeconfig \(file) is not valid UTF-8")
        }
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw KubeAPIError.configuration("kubeconfig \(file) is not valid YAML: \(describe(error))")
        } catch {
            throw KubeAPIError.configuration("kubeconfig \(file) is not valid YAML")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line), column \(mark.column)"
        case .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys in a mapping: \(duplicates.joined(separator: ", "))"
        default:
            return "unreadable document"
        }
    }
}
