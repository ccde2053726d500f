import Events

extension JSONValue {
    /// A JSON string.
    static func text(_ value: String) -> JSONValue { .string(value) }

    /// A JSON integer.
    static func integer(_ value: some BinaryInteger) -> JSONValue { .number(JSONNumber(value)) }

    /// The integer payload when this is an integral number that fits `Int64`.
    var int64Value: Int64? { numberValue?.int64Value }
}

extension JSONObject {
    /// The value at a path of member names, or `nil` when any step is missing or not an object.
    subscript(path path: [String]) -> JSONValue? {
        guard let first = path.first else { return .object(self) }
        guard let value = self[first] else { return nil }
        if path.count == 1 { return value }
        guard case .object(let child) = value else { return nil }
        return child[path: Array(path.dropFirst())]
    }

    /// The string member `key`, if it is a string.
    func string(_ key: String) -> String? { self[key]?.stringValue }

    /// The object member `key`, if it is an object.
    func object(_ key: String) -> JSONObject? { self[key]?.objectValue }

    /// The array member `key`, if it is an array.
    func array(_ key: String) -> [JSONValue]? { self[key]?.arrayValue }

    /// The boolean member `key`, if it is a boolean.
    func bool(_ key: String) -> Bool? { self[key]?.boolValue }

    /// The integer member `key`, if it is an integral number.
    func int(_ key: String) -> Int64? { self[key]?.int64Value }

    /// Sets the value at `path`, creating (or replacing non-object) intermediate members as objects.
    mutating func set(path: [String], _ value: JSONValue) {
        guard let first = path.first else { return }
        if path.count == 1 {
            set(first, value)
            return
        }
        var child = object(first) ?? JSONObject()
        child.set(path: Array(path.dropFirst()), value)
        set(first, .object(child))
    }

    /// Removes the member at `path` (a missing path is ignored).
    mutating func remove(path: [String]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            removeAll(named: first)
            return
        }
        guard var child = object(first) else { return }
        child.remove(path: Array(path.dropFirst()))
        set(first, .object(child))
    }

    /// The members as a string dictionary, keeping only string values (labels, annotations, data).
    var stringMap: [String: String] {
        var result: [String: String] = [:]
        for member in members {
            if case .string(let value) = member.value { result[member.key] = value }
        }
        return result
    }

    /// An object with the given members, sorted by key (how Go encodes `map[string]string`).
    static func sortedStrings(_ map: [String: String]) -> JSONObject {
        JSONObject(map.keys.sorted().map { Member(key: $0, value: .string(map[$0] ?? "")) })
    }

    /// The object re-ordered: `leading` keys first (in that order, when present), then the others as they were.
    func reordered(leading: [String]) -> JSONObject {
        var result = JSONObject()
        for key in leading {
            if let value = self[key] { result.append(key, value) }
        }
        let leadingSet = Set(leading)
        for member in members where !leadingSet.contains(member.key) {
            result.append(member.key, member.value)
        }
        return result
    }
}
