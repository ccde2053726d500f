import KubeClient
import Yams

/// Typed, located access to one YAML mapping of a kubeconfig. Errors say where (`file`, `location`, key) and
/// what type was expected; they never quote a value.
struct YAMLFields {
    /// The mapping, or `nil` for an absent/null block (every lookup then finds nothing).
    let node: Node?
    /// The file, for messages.
    let file: String
    /// A path such as `users["admin"].user`, for messages.
    let location: String

    /// Wraps `node`, which must be a mapping or null.
    init(_ node: Node?, file: String, location: String) throws(KubeAPIError) {
        if let node, !Self.isNull(node) {
            guard case .mapping = node else {
                throw KubeAPIError.configuration("kubeconfig \(file): \(location) must be a mapping")
            }
            self.node = node
        } else {
            self.node = nil
        }
        self.file = file
        self.location = location
    }

    /// The value at `key`, or `nil` when it is absent or null.
    func value(_ key: String) -> Node? {
        guard let value = node?[key], !Self.isNull(value) else { return nil }
        return value
    }

    /// A string (any scalar; YAML `123` reads as "123").
    func string(_ key: String) throws(KubeAPIError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .scalar(let scalar) = value else { throw problem(key, "must be a string") }
        return scalar.string
    }

    /// A non-empty string, or `nil` when absent or empty.
    func nonEmptyString(_ key: String) throws(KubeAPIError) -> String? {
        guard let text = try string(key), !text.isEmpty else { return nil }
        return text
    }

    /// A boolean.
    func bool(_ key: String) throws(KubeAPIError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.bool else { throw problem(key, "must be true or false") }
        return flag
    }

    /// A nested mapping.
    func mapping(_ key: String, location nested: String? = nil) throws(KubeAPIError) -> YAMLFields? {
        guard let value = value(key) else { return nil }
        return try YAMLFields(value, file: file, location: nested ?? "\(location).\(key)")
    }

    /// A sequence (absent or null is empty).
    func sequence(_ key: String) throws(KubeAPIError) -> [Node] {
        guard let value = value(key) else { return [] }
        guard case .sequence(let items) = value else { throw problem(key, "must be a list") }
        return Array(items)
    }

    /// A list of strings.
    func strings(_ key: String) throws(KubeAPIError) -> [String] {
        var result: [String] = []
        for (index, item) in try sequence(key).enumerated() {
            guard case .scalar(let scalar) = item else { throw problem("\(key)[\(index)]", "must be a string") }
            result.append(scalar.string)
        }
        return result
    }

    /// Whether `key` is present with a non-null value.
    func has(_ key: String) -> Bool { value(key) != nil }

    /// A `.configuration` error about `key` here.
    func problem(_ key: String, _ text: String) -> KubeAPIError {
        KubeAPIError.configuration("kubeconfig \(file): \(location).\(key) \(text)")
    }

    /// A `.configuration` error about this block.
    func problem(_ text: String) -> KubeAPIError {
        KubeAPIError.configuration("kubeconfig \(file): \(location) \(text)")
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return node.null != nil && (scalar.style == .plain || scalar.style == .any)
    }
}
