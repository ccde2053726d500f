import Events

/// One `metadata.managedFields` entry: which fields a manager owns, and through which operation.
struct ManagedFieldsEntry: Sendable, Hashable {
    /// The field manager (`fieldManager` query parameter, or derived from the User-Agent).
    var manager: String
    /// `Apply` or `Update`.
    var operation: String
    /// The API version the manager used.
    var apiVersion: String
    /// When the entry last changed (RFC 3339).
    var time: String
    /// `status` for status writes, `nil` for the main resource.
    var subresource: String?
    /// The owned leaves.
    var fields: Set<FieldPath>

    /// The JSON form.
    var json: JSONValue {
        var object = JSONObject()
        object.append("manager", .string(manager))
        object.append("operation", .string(operation))
        object.append("apiVersion", .string(apiVersion))
        object.append("time", .string(time))
        object.append("fieldsType", .string("FieldsV1"))
        object.append("fieldsV1", .object(FieldSet.encode(fields)))
        if let subresource { object.append("subresource", .string(subresource)) }
        return .object(object)
    }

    /// Records an update (create, replace, patch, or a status change): the manager now owns every field whose
    /// value it changed, other managers lose those fields, and removed fields leave every set.
    static func recordUpdate(
        _ entries: inout [ManagedFieldsEntry], manager: String, apiVersion: String, old: JSONObject?, new: JSONObject,
        time: String,
        subresource: String? = nil
    ) {
        let isStatus = subresource == "status"
        let newLeaves = FieldSet.leaves(of: new, status: isStatus)
        let oldLeaves = old.map { FieldSet.leaves(of: $0, status: isStatus) } ?? []
        let oldValue = old.map(JSONValue.object) ?? .null
        let newValue = JSONValue.object(new)
        let changed = newLeaves.filter { path in
            !oldLeaves.contains(path)
                || FieldSet.value(at: path, in: oldValue) != FieldSet.value(at: path, in: newValue)
        }
        let removed = oldLeaves.subtracting(newLeaves)
        guard !changed.isEmpty || !removed.isEmpty else { return }
        for index in entries.indices {
            entries[index].fields.subtract(removed)
            if !(entries[index].manager == manager && entries[index].operation == "Update"
                && entries[index].subresource == subresource)
            {
                entries[index].fields.subtract(changed)
            }
        }
        if let index = entries.firstIndex(where: {
            $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource
        }) {
            entries[index].fields.formUnion(changed)
            entries[index].time = time
        } else if !changed.isEmpty {
            entries.append(
                ManagedFieldsEntry(
                    manager: manager, operation: "Update", apiVersion: apiVersion, time: time, subresource: subresource,
                    fields: changed))
        }
        entries.removeAll { $0.fields.isEmpty }
    }
}
