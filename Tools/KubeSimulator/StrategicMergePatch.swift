import Events

/// Strategic merge patch (`application/strategic-merge-patch+json`): a merge patch in which lists with a
/// merge key merge element by element, primitive sets union, and `$patch` / `$deleteFromPrimitiveList` /
/// `$retainKeys` / `$setElementOrder` directives are honoured.
enum StrategicMergePatch {
    /// A malformed directive (the API server answers 400 or 422; the simulator answers 400).
    struct Failure: Error, Equatable {
        var message: String
    }

    /// `target` (an object) with `patch` applied; `path` is the field-name path of `target`.
    static func apply(_ patch: JSONObject, to target: JSONObject, path: [String] = []) throws(Failure) -> JSONObject {
        if let directive = patch.string("$patch") {
            switch directive {
            case "replace": return stripDirectives(patch)
            case "delete": return JSONObject()
            case "merge": break
            default: throw Failure(message: "Unknown patch type: \(directive)")
            }
        }
        var result = target
        for member in patch.members {
            let key = member.key
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let removals = member.value.arrayValue ?? []
                if let current = result.array(field) {
                    result.set(field, .array(current.filter { !removals.contains($0) }))
                }
                continue
            }
            if key.hasPrefix("$") { continue }
            if member.value.isNull {
                result.removeAll(named: key)
                continue
            }
            switch member.value {
            case .object(let child):
                if child.string("$patch") == "delete" {
                    result.removeAll(named: key)
                } else if let existing = result.object(key) {
                    result.set(key, .object(try apply(child, to: existing, path: path + [key])))
                } else {
                    result.set(key, .object(try apply(child, to: JSONObject(), path: path + [key])))
                }
            case .array(let items):
                result.set(key, .array(try mergeList(items, into: result.array(key) ?? [], path: path + [key])))
            default:
                result.set(key, member.value)
            }
        }
        if let retained = patch.array("$retainKeys")?.compactMap(\.stringValue) {
            let keep = Set(retained)
            for key in result.keys where !keep.contains(key) { result.removeAll(named: key) }
        }
        return result
    }

    private static func mergeList(
        _ patch: [JSONValue], into current: [JSONValue], path: [String]
    ) throws(Failure) -> [JSONValue] {
        switch MergeKeys.strategy(for: path) {
        case .atomic:
            return patch.map(stripDirectives)
        case .set:
            var result = current
            for item in patch where !result.contains(item) { result.append(item) }
            return result
        case .map(let keys):
            if patch.contains(where: { $0.objectValue?.string("$patch") == "replace" }) {
                return patch.filter { $0.objectValue?.string("$patch") != "replace" }.map(stripDirectives)
            }
            var result = current
            for item in patch {
                guard let object = item.objectValue else {
                    throw Failure(message: "list \(path.joined(separator: ".")) needs objects")
                }
                guard keys.allSatisfy({ object[$0] != nil }) || object.string("$patch") == "delete" || keys.count > 1
                else {
                    throw Failure(message: "map: \(object) does not contain declared merge key: \(keys[0])")
                }
                let index = result.firstIndex { element in
                    guard let existing = element.objectValue else { return false }
                    return keys.allSatisfy { existing[$0] == object[$0] }
                }
                if object.string("$patch") == "delete" {
                    if let index { result.remove(at: index) }
                } else if let index, let existing = result[index].objectValue {
                    result[index] = .object(try apply(object, to: existing, path: path))
                } else {
                    result.append(.object(try apply(object, to: JSONObject(), path: path)))
                }
            }
            return result
        }
    }

    private static func stripDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): .object(stripDirectives(object))
        case .array(let items): .array(items.map(stripDirectives))
        default: value
        }
    }

    private static func stripDirectives(_ object: JSONObject) -> JSONObject {
        JSONObject(
            object.members.filter { !$0.key.hasPrefix("$") }.map {
                .init(key: $0.key, value: stripDirectives($0.value))
            })
    }
}
