import Events

/// The JSON shape the API server writes: Go's field order for metadata, sorted maps, and `omitempty`
/// (no nulls, no empty lists, no empty label/annotation/data maps).
enum ObjectShape {
    /// `ObjectMeta` members in Go declaration order.
    static let metadataOrder = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ]
    private static let sortedMaps: Set<String> = [
        "labels", "annotations", "data", "binaryData", "matchLabels", "nodeSelector",
    ]

    /// The canonical form of a stored object.
    static func canonical(_ object: JSONObject) -> JSONObject {
        var result = prune(object)
        if var meta = result.object("metadata") {
            meta = meta.reordered(leading: metadataOrder)
            result.set("metadata", .object(meta))
        }
        result = result.reordered(leading: ["kind", "apiVersion", "metadata"])
        if let status = result["status"] {
            result.removeAll(named: "status")
            result.append("status", status)
        }
        return result
    }

    /// Removes nulls and empty lists everywhere, and empty string maps; sorts string maps by key.
    static func prune(_ object: JSONObject) -> JSONObject {
        var result = JSONObject()
        for member in object.members {
            switch member.value {
            case .null:
                continue
            case .array(let items):
                if items.isEmpty { continue }
                result.append(member.key, .array(items.map(pruneValue)))
            case .object(let child):
                if sortedMaps.contains(member.key) {
                    if child.isEmpty { continue }
                    result.append(
                        member.key,
                        .object(
                            JSONObject(
                                child.members.sorted { $0.key < $1.key }.map {
                                    .init(key: $0.key, value: pruneValue($0.value))
                                })))
                } else {
                    result.append(member.key, .object(prune(child)))
                }
            default:
                result.append(member.key, member.value)
            }
        }
        return result
    }

    private static func pruneValue(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): .object(prune(object))
        case .array(let items): .array(items.map(pruneValue))
        default: value
        }
    }
}
