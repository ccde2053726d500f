import Events

/// RFC 6902 JSON Patch (`application/json-patch+json`).
enum JSONPatch {
    /// A failed operation (a 422 in the API server's wording, "the server rejected our request...").
    struct Failure: Error, Equatable {
        var message: String
    }

    /// `document` with every operation of `patch` applied in order.
    static func apply(_ patch: [JSONValue], to document: JSONValue) throws(Failure) -> JSONValue {
        guard patch.count <= 10_000 else { throw Failure(message: "too many patch operations") }
        var result = document
        for operation in patch {
            guard let op = operation.objectValue, let name = op.string("op"), let path = op.string("path") else {
                throw Failure(message: "invalid JSON patch operation")
            }
            let tokens = try pointer(path)
            switch name {
            case "add": result = try set(result, tokens, try value(op), insert: true)
            case "replace":
                _ = try get(result, tokens)
                result = try set(result, tokens, try value(op), insert: false)
            case "remove": result = try remove(result, tokens)
            case "test":
                guard try get(result, tokens) == (try value(op)) else {
                    throw Failure(message: "testing value \(path) failed")
                }
            case "move", "copy":
                guard let from = op.string("from") else { throw Failure(message: "\(name) operation needs \"from\"") }
                let source = try pointer(from)
                let moved = try get(result, source)
                if name == "move" { result = try remove(result, source) }
                result = try set(result, tokens, moved, insert: true)
            default:
                throw Failure(message: "Unexpected kind: \(name)")
            }
        }
        return result
    }

    private static func value(_ op: JSONObject) throws(Failure) -> JSONValue {
        guard let value = op["value"] else { throw Failure(message: "operation needs \"value\"") }
        return value
    }

    private static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(message: "invalid JSON pointer \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var output = ""
            var escaped = false
            for character in segment {
                if escaped {
                    output.append(character == "1" ? "/" : character == "0" ? "~" : character)
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    output.append(character)
                }
            }
            return output
        }
    }

    private static func get(_ value: JSONValue, _ tokens: [String]) throws(Failure) -> JSONValue {
        var current = value
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else {
                    throw Failure(message: "path /\(tokens.joined(separator: "/")) does not exist")
                }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw Failure(message: "invalid index \(token)")
                }
                current = items[index]
            default:
                throw Failure(message: "path /\(tokens.joined(separator: "/")) does not exist")
            }
        }
        return current
    }

    private static func set(
        _ root: JSONValue, _ tokens: [String], _ newValue: JSONValue, insert: Bool
    ) throws(Failure) -> JSONValue {
        guard let token = tokens.first else { return newValue }
        let rest = Array(tokens.dropFirst())
        switch root {
        case .object(var object):
            if rest.isEmpty {
                object.set(token, newValue)
            } else {
                guard let child = object[token] else { throw Failure(message: "missing path segment \(token)") }
                object.set(token, try set(child, rest, newValue, insert: insert))
            }
            return .object(object)
        case .array(var items):
            if rest.isEmpty && insert {
                if token == "-" {
                    items.append(newValue)
                } else {
                    guard let index = Int(token), index >= 0, index <= items.count else {
                        throw Failure(message: "invalid index \(token)")
                    }
                    items.insert(newValue, at: index)
                }
                return .array(items)
            }
            guard let index = Int(token), items.indices.contains(index) else {
                throw Failure(message: "invalid index \(token)")
            }
            items[index] = rest.isEmpty ? newValue : try set(items[index], rest, newValue, insert: insert)
            return .array(items)
        default:
            throw Failure(message: "cannot traverse a scalar at \(token)")
        }
    }

    private static func remove(_ root: JSONValue, _ tokens: [String]) throws(Failure) -> JSONValue {
        guard let token = tokens.first else { throw Failure(message: "cannot remove the root") }
        let rest = Array(tokens.dropFirst())
        switch root {
        case .object(var object):
            guard let child = object[token] else { throw Failure(message: "path does not exist: \(token)") }
            if rest.isEmpty { object.removeAll(named: token) } else { object.set(token, try remove(child, rest)) }
            return .object(object)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw Failure(message: "invalid index \(token)")
            }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = try remove(items[index], rest) }
            return .array(items)
        default:
            throw Failure(message: "cannot traverse a scalar at \(token)")
        }
    }
}
