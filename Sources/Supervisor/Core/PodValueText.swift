import Diagnostics
import KubeManifests
import Yams

/// The text form of the `pod` section's structured values: YAML (block or flow, so JSON too) in, flow YAML out.
///
/// The same text serves the file (the loader hands a list or mapping over as YAML), `K8S_WORKER_POD_*`
/// variables and `--set`, e.g. `--set 'pod.node_selector={pool: executors}'`. An empty text is the empty value.
/// Each parser returns the value or throws a message; the loader adds the key.
enum PodValueText {
    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// The YAML node of `text`, or `nil` for empty text.
    private static func node(_ text: String) throws(Problem) -> Node? {
        guard !text.trimmed.isEmpty else { return nil }
        do { return try Yams.compose(yaml: text) } catch { throw Problem("is not valid YAML: \(error)") }
    }

    /// A scalar's text, or a problem naming `what`.
    private static func scalar(_ node: Node, _ what: String) throws(Problem) -> String {
        guard let scalar = node.scalar else { throw Problem("\(what) must be a single value") }
        return scalar.string
    }

    /// The members of a mapping node, keys unique, in order.
    private static func members(_ node: Node, _ what: String) throws(Problem) -> [(String, Node)] {
        guard let mapping = node.mapping else { throw Problem("\(what) must be a mapping") }
        var seen = Set<String>()
        var result: [(String, Node)] = []
        for (keyNode, value) in mapping {
            let key = try scalar(keyNode, "\(what): a key")
            guard seen.insert(key).inserted else { throw Problem("\(what): '\(key)' appears twice") }
            result.append((key, value))
        }
        return result
    }

    /// `label: value` pairs (`node_selector`).
    static func stringMap(_ text: String) throws(Problem) -> [String: String] {
        guard let node = try node(text) else { return [:] }
        var map: [String: String] = [:]
        for (key, value) in try members(node, "the value") {
            map[key] = try scalar(value, "'\(key)'")
        }
        return map
    }

    /// A list of strings; a plain `a, b` text is accepted too.
    static func names(_ text: String) throws(Problem) -> [String] {
        guard let node = try node(text) else { return [] }
        if let sequence = node.sequence {
            var names: [String] = []
            for item in sequence { names.append(try scalar(item, "each entry")) }
            return names
        }
        return try scalar(node, "the value").split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
    }

    /// `{from: …, to: …}`, or `nil` when empty.
    static func rewrite(_ text: String) throws(Problem) -> ImageRewrite? {
        guard let node = try node(text) else { return nil }
        var from: String?
        var to: String?
        for (key, value) in try members(node, "the value") {
            switch key {
            case "from": from = try scalar(value, "'from'")
            case "to": to = try scalar(value, "'to'")
            default: throw Problem("unknown member '\(key)' (expected from and to)")
            }
        }
        guard let from, let to else { throw Problem("needs both 'from' and 'to'") }
        return ImageRewrite(from: from, to: to)
    }

    /// A list of `{language, version, image[, filename, command]}`.
    static func runtimes(_ text: String) throws(Problem) -> [PodPolicy.Runtime] {
        guard let node = try node(text) else { return [] }
        guard let sequence = node.sequence else { throw Problem("must be a list of runtimes") }
        var runtimes: [PodPolicy.Runtime] = []
        for (index, item) in sequence.enumerated() {
            let what = "runtime \(index + 1)"
            var fields: [String: String] = [:]
            var command: [String]?
            for (key, value) in try members(item, what) {
                switch key {
                case "language", "version", "image", "filename": fields[key] = try scalar(value, "\(what): '\(key)'")
                case "command":
                    guard let list = value.sequence else { throw Problem("\(what): 'command' must be a list") }
                    var argv: [String] = []
                    for argument in list { argv.append(try scalar(argument, "\(what): each command argument")) }
                    command = argv
                default:
                    throw Problem(
                        "\(what): unknown member '\(key)' (expected language, version, image, filename, command)")
                }
            }
            for required in ["language", "version", "image"] where (fields[required] ?? "").isEmpty {
                throw Problem("\(what): '\(required)' is required")
            }
            runtimes.append(
                PodPolicy.Runtime(
                    language: fields["language"]!, version: fields["version"]!, image: fields["image"]!,
                    filename: fields["filename"], command: command))
        }
        return runtimes
    }

    /// A list of `{key, operator, value, effect, toleration_seconds}`.
    static func tolerations(_ text: String) throws(Problem) -> [Toleration] {
        guard let node = try node(text) else { return [] }
        guard let sequence = node.sequence else { throw Problem("must be a list of tolerations") }
        var tolerations: [Toleration] = []
        for (index, item) in sequence.enumerated() {
            let what = "toleration \(index + 1)"
            var toleration = Toleration(key: "")
            var operatorGiven = false
            for (key, value) in try members(item, what) {
                let text = try scalar(value, "\(what): '\(key)'")
                switch key {
                case "key": toleration.key = text
                case "value": toleration.value = text
                case "operator":
                    guard let parsed = Toleration.Operator(rawValue: text) else {
                        throw Problem("\(what): operator '\(text)' is not one of \(allowed(Toleration.Operator.self))")
                    }
                    toleration.operator = parsed
                    operatorGiven = true
                case "effect":
                    guard let parsed = Toleration.Effect(rawValue: text) else {
                        throw Problem("\(what): effect '\(text)' is not one of \(allowed(Toleration.Effect.self))")
                    }
                    toleration.effect = parsed
                case "toleration_seconds":
                    guard let seconds = Int(text) else {
                        throw Problem("\(what): toleration_seconds is not an integer")
                    }
                    toleration.tolerationSeconds = seconds
                default:
                    throw Problem(
                        "\(what): unknown member '\(key)' (expected key, operator, value, effect, toleration_seconds)")
                }
            }
            // Kubernetes' default operator is Equal; an empty key only makes sense with Exists.
            if !operatorGiven && toleration.key.isEmpty { toleration.operator = .exists }
            if let problem = toleration.problem { throw Problem("\(what): \(problem)") }
            tolerations.append(toleration)
        }
        return tolerations
    }

    private static func allowed<Value: RawRepresentable<String> & CaseIterable>(_: Value.Type) -> String {
        Value.allCases.map(\.rawValue).joined(separator: ", ")
    }

    // MARK: - Rendering (flow YAML, which is also JSON)

    /// A double-quoted scalar, escaped as JSON (which YAML's double-quoted style reads the same way).
    static func quoted(_ text: String) -> String { StderrLogHandler.quote(text) }

    private static func object(_ members: [(String, String?)]) -> String {
        "{" + members.compactMap { key, value in value.map { "\(key): \($0)" } }.joined(separator: ", ") + "}"
    }

    static func render(_ map: [String: String]) -> String {
        map.isEmpty ? "" : object(map.sorted { $0.key < $1.key }.map { (quoted($0.key), quoted($0.value)) })
    }

    static func render(_ names: [String]) -> String {
        names.isEmpty ? "" : "[" + names.map(quoted).joined(separator: ", ") + "]"
    }

    static func render(_ rewrite: ImageRewrite?) -> String {
        rewrite.map { object([("from", quoted($0.from)), ("to", quoted($0.to))]) } ?? ""
    }

    static func render(_ runtimes: [PodPolicy.Runtime]) -> String {
        runtimes.isEmpty
            ? ""
            : "["
                + runtimes.map { runtime in
                    object([
                        ("language", quoted(runtime.language)), ("version", quoted(runtime.version)),
                        ("image", quoted(runtime.image)), ("filename", runtime.filename.map(quoted)),
                        ("command", runtime.command.map(render)),
                    ])
                }.joined(separator: ", ") + "]"
    }

    static func render(_ tolerations: [Toleration]) -> String {
        tolerations.isEmpty
            ? ""
            : "["
                + tolerations.map { toleration in
                    object([
                        ("key", toleration.key.isEmpty ? nil : quoted(toleration.key)),
                        ("operator", toleration.operator.rawValue),
                        ("value", toleration.value.isEmpty ? nil : quoted(toleration.value)),
                        ("effect", toleration.effect?.rawValue),
                        ("toleration_seconds", toleration.tolerationSeconds.map(String.init)),
                    ])
                }.joined(separator: ", ") + "]"
    }
}
