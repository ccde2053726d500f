import Events

/// Field sets of objects: computing the leaves, reading and removing a path, and encoding `fieldsV1`.
enum FieldSet {
    /// Metadata members that identify or are maintained by the server; never owned by a manager.
    static let serverMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ]

    /// The leaf paths of `object`: only `status` when `status` is true, everything else otherwise.
    static func leaves(of object: JSONObject, status: Bool = false) -> Set<FieldPath> {
        var result = Set<FieldPath>()
        for member in object.members {
            switch member.key {
            case "apiVersion", "kind": continue
            case "status": if status { walk(member.value, [.field("status")], ["status"], &result) }
            case "metadata":
                guard !status, let meta = member.value.objectValue else { continue }
                for field in meta.members where !serverMetadata.contains(field.key) {
                    walk(field.value, [.field("metadata"), .field(field.key)], ["metadata", field.key], &result)
                }
            default:
                if !status { walk(member.value, [.field(member.key)], [member.key], &result) }
            }
        }
        return result
    }

    private static func walk(_ value: JSONValue, _ path: FieldPath, _ names: [String], _ result: inout Set<FieldPath>) {
        switch value {
        case .object(let object) where !object.isEmpty:
            for member in object.members {
                walk(member.value, path + [.field(member.key)], names + [member.key], &result)
            }
        case .array(let items):
            switch MergeKeys.strategy(for: names, forApply: true) {
            case .map(let keys):
                for item in items {
                    guard let object = item.objectValue else { continue }
                    let elementPath = path + [.key(keyJSON(object, keys))]
                    result.insert(elementPath)
                    for member in object.members {
                        walk(member.value, elementPath + [.field(member.key)], names + [member.key], &result)
                    }
                }
            case .set:
                for item in items {
                    result.insert(path + [.value(String(decoding: JSONWriter.encode(item), as: UTF8.self))])
                }
            case .atomic:
                result.insert(path)
            }
        default:
            result.insert(path)
        }
    }

    /// The compact JSON naming a list element by its merge keys, e.g. `{"name":"c"}`.
    static func keyJSON(_ object: JSONObject, _ keys: [String]) -> String {
        let members = keys.compactMap { key in object[key].map { JSONObject.Member(key: key, value: $0) } }
        return String(decoding: JSONWriter.encode(.object(JSONObject(members))), as: UTF8.self)
    }

    /// The value at `path`, or `nil` when it does not exist.
    static func value(at path: FieldPath, in root: JSONValue) -> JSONValue? {
        var current = root
        for element in path {
            guard let next = child(of: current, element) else { return nil }
            current = next
        }
        return current
    }

    /// Whether `path` names a list element itself (its `.` entry) rather than a value.
    static func isElement(_ path: FieldPath) -> Bool {
        switch path.last {
        case .key, .value: true
        default: false
        }
    }

    /// `root` without the value at `path` (unchanged when the path does not exist).
    static func removing(_ path: FieldPath, from root: JSONValue) -> JSONValue {
        guard let first = path.first else { return root }
        let rest = Array(path.dropFirst())
        switch (root, first) {
        case (.object(var object), .field(let name)):
            guard let child = object[name] else { return root }
            if rest.isEmpty { object.removeAll(named: name) } else { object.set(name, removing(rest, from: child)) }
            return .object(object)
        case (.array(var items), _):
            guard let index = items.firstIndex(where: { matches($0, first) }) else { return root }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = removing(rest, from: items[index]) }
            return .array(items)
        default:
            return root
        }
    }

    /// The `fieldsV1` object for a set of paths.
    static func encode(_ paths: Set<FieldPath>) -> JSONObject { encodeNode(Array(paths)) }

    private static func encodeNode(_ paths: [FieldPath]) -> JSONObject {
        var groups: [String: [FieldPath]] = [:]
        var isLeaf = false
        for path in paths {
            guard let first = path.first else {
                isLeaf = true
                continue
            }
            groups[first.encoded, default: []].append(Array(path.dropFirst()))
        }
        var result = JSONObject()
        if isLeaf && !groups.isEmpty { result.append(".", .object(JSONObject())) }
        for key in groups.keys.sorted() { result.append(key, .object(encodeNode(groups[key] ?? []))) }
        return result
    }

    private static func child(of value: JSONValue, _ element: FieldPathElement) -> JSONValue? {
        switch (value, element) {
        case (.object(let object), .field(let name)): object[name]
        case (.array(let items), _): items.first { matches($0, element) }
        default: nil
        }
    }

    private static func matches(_ item: JSONValue, _ element: FieldPathElement) -> Bool {
        switch element {
        case .field: return false
        case .value(let json): return String(decoding: JSONWriter.encode(item), as: UTF8.self) == json
        case .key(let json):
            guard let object = item.objectValue, let keys = try? JSONParser().parse(json).objectValue else {
                return false
            }
            return keys.members.allSatisfy { object[$0.key] == $0.value }
        }
    }
}
