import Events

/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`).
enum JSONMergePatch {
    /// `target` with `patch` applied.
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for member in patchObject.members {
            if member.value.isNull {
                result.removeAll(named: member.key)
            } else {
                result.set(member.key, apply(member.value, to: result[member.key] ?? .null))
            }
        }
        return .object(result)
    }
}
