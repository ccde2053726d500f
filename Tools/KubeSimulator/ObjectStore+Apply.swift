import Events

extension ObjectStore {
    /// PATCH with `application/apply-patch+yaml`: server-side apply by `manager` (JSON bodies only).
    ///
    /// Creates the object when absent (201). Otherwise merges the configuration into the live object, removes
    /// fields the manager applied before but no longer applies (unless another manager owns them), and reports
    /// conflicts with other managers' fields unless `force`. An apply that changes nothing is a no-op: same
    /// `resourceVersion`, same managedFields timestamps (as in the API server since 1.x no-op applies are not
    /// written to etcd).
    mutating func apply(
        _ resource: ResourceKind, namespace: String, name: String, body: JSONValue, force: Bool, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        guard !context.manager.isEmpty else {
            throw APIStatus.badRequest("PATCH apply requests require the fieldManager query parameter")
        }
        guard let bodyObject = body.objectValue else {
            throw APIStatus.badRequest("the apply configuration must be a JSON object")
        }
        guard let kind = bodyObject.string("kind"), !kind.isEmpty else {
            throw APIStatus.badRequest("Object 'Kind' is missing in the apply configuration")
        }
        guard let apiVersion = bodyObject.string("apiVersion"), !apiVersion.isEmpty else {
            throw APIStatus.badRequest("Object 'apiVersion' is missing in the apply configuration")
        }
        try ObjectDecoding.check(bodyObject, resource: resource)
        var conformed = try Self.conform(bodyObject, to: resource, namespace: namespace, name: name)
        let fieldWarnings = try context.fieldValidation.check(&conformed, resource)
        var config = ObjectShape.prune(conformed)
        var configMeta = config.object("metadata") ?? JSONObject()
        let requestedVersion = configMeta.string("resourceVersion") ?? ""
        for key in Self.serverOwnedMetadata { configMeta.removeAll(named: key) }
        config.set("metadata", .object(configMeta))
        let configLeaves = FieldSet.leaves(of: config)

        guard let current = stored(resource, namespace, name) else {
            var created = try createByApply(resource, config: config, leaves: configLeaves, context: context)
            created.warnings = fieldWarnings + created.warnings
            return created
        }
        if !requestedVersion.isEmpty && requestedVersion != current.resourceVersion {
            throw APIStatus.staleResourceVersion(resource, name)
        }

        let live = JSONValue.object(current.object)
        let configValue = JSONValue.object(config)
        var conflicts: [(manager: String, apiVersion: String, path: FieldPath)] = []
        for entry in current.managedFields where !(entry.manager == context.manager && entry.operation == "Apply") {
            for path in entry.fields.intersection(configLeaves) where !FieldSet.isElement(path) {
                if FieldSet.value(at: path, in: live) != FieldSet.value(at: path, in: configValue) {
                    conflicts.append((entry.manager, entry.apiVersion, path))
                }
            }
        }
        if !conflicts.isEmpty && !force { throw Self.conflictStatus(resource, name, conflicts) }

        let previous =
            current.managedFields.first { $0.manager == context.manager && $0.operation == "Apply" }?.fields ?? []
        var merged = Self.merge(live, configValue, names: [])
        var dropped = Set<FieldPath>()
        for path in previous.subtracting(configLeaves) {
            let ownedElsewhere = current.managedFields.contains { entry in
                !(entry.manager == context.manager && entry.operation == "Apply") && entry.fields.contains(path)
            }
            if !ownedElsewhere {
                merged = FieldSet.removing(path, from: merged)
                dropped.insert(path)
            }
        }
        guard let mergedObject = merged.objectValue else {
            throw APIStatus.internalError("apply produced a non-object")
        }
        let conflicting = Set(conflicts.map(\.path))

        var object = mergedObject
        ResourceRules.prepareForUpdate(&object, old: current.object, resource)
        var errors = ResourceRules.validate(object, resource)
        errors += ResourceRules.validateUpdate(old: current.object, new: object, resource)
        if !errors.isEmpty { throw APIStatus.invalid(resource, name, errors) }
        var result = try finishUpdate(
            current, object, context: context,
            managed: { entries, _, _ in
                for index in entries.indices {
                    entries[index].fields.subtract(dropped)
                    if !(entries[index].manager == context.manager && entries[index].operation == "Apply") {
                        entries[index].fields.subtract(conflicting)
                    }
                }
                if let index = entries.firstIndex(where: { $0.manager == context.manager && $0.operation == "Apply" }) {
                    if entries[index].fields != configLeaves {
                        entries[index].fields = configLeaves
                        entries[index].time = context.timestamp
                    }
                } else {
                    entries.append(
                        ManagedFieldsEntry(
                            manager: context.manager, operation: "Apply", apiVersion: resource.apiVersion,
                            time: context.timestamp, subresource: nil, fields: configLeaves))
                }
                entries.removeAll { $0.fields.isEmpty }
            })
        result.warnings = fieldWarnings + result.warnings
        return result
    }

    private mutating func createByApply(
        _ resource: ResourceKind, config: JSONObject, leaves: Set<FieldPath>, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        let namespace = config.object("metadata")?.string("namespace") ?? ""
        let name = config.object("metadata")?.string("name") ?? ""
        if resource.namespaced && !namespaceExists(namespace) { throw Self.namespaceNotFound(namespace) }
        var object = config
        ResourceRules.prepareForCreate(&object, resource)
        let errors = ResourceRules.validate(object, resource)
        if !errors.isEmpty { throw APIStatus.invalid(resource, name, errors) }
        let warnings = try admit(object, resource: resource, namespace: namespace, name: name)
        var meta = object.object("metadata") ?? JSONObject()
        meta.set("uid", .string(Identifiers.uuid()))
        meta.set("resourceVersion", .string(context.dryRun ? String(revision + 1) : nextResourceVersion()))
        if resource.hasGeneration { meta.set("generation", .integer(1)) }
        meta.set("creationTimestamp", .string(context.timestamp))
        object.set("metadata", .object(meta))
        let entry = ManagedFieldsEntry(
            manager: context.manager, operation: "Apply", apiVersion: resource.apiVersion,
            time: context.timestamp, subresource: nil, fields: leaves)
        var stored = StoredObject(resource: resource, object: object, managedFields: [entry])
        if resource == .pods { scheduleNewPod(&stored, context: context) }
        let result = rendered(stored)
        if !context.dryRun { commit(result) }
        return APIResult(status: 201, body: .object(result.object), warnings: warnings)
    }

    /// Merges an apply configuration into a live value: objects member by member, keyed lists element by element,
    /// set lists as a union, everything else replaced.
    static func merge(_ live: JSONValue, _ config: JSONValue, names: [String]) -> JSONValue {
        switch (live, config) {
        case (.object(let liveObject), .object(let configObject)):
            var result = liveObject
            for member in configObject.members {
                result.set(
                    member.key, merge(liveObject[member.key] ?? .null, member.value, names: names + [member.key]))
            }
            return .object(result)
        case (.array(let liveItems), .array(let configItems)):
            switch MergeKeys.strategy(for: names, forApply: true) {
            case .map(let keys):
                var result = liveItems
                for item in configItems {
                    let index = result.firstIndex { existing in
                        keys.allSatisfy { existing.objectValue?[$0] == item.objectValue?[$0] }
                    }
                    if let index {
                        result[index] = merge(result[index], item, names: names)
                    } else {
                        result.append(item)
                    }
                }
                return .array(result)
            case .set:
                return .array(liveItems + configItems.filter { !liveItems.contains($0) })
            case .atomic:
                return config
            }
        default:
            return config
        }
    }

    private static func conflictStatus(
        _ resource: ResourceKind, _ name: String, _ conflicts: [(manager: String, apiVersion: String, path: FieldPath)]
    ) -> APIStatus {
        func display(_ path: FieldPath) -> String { path.map(\.display).joined() }
        let message: String
        if conflicts.count == 1, let only = conflicts.first {
            message =
                "Apply failed with 1 conflict: conflict with \"\(only.manager)\" using \(only.apiVersion): \(display(only.path))"
        } else {
            var text = "Apply failed with \(conflicts.count) conflicts:"
            var managers: [String] = []
            for conflict in conflicts where !managers.contains(conflict.manager) { managers.append(conflict.manager) }
            for manager in managers {
                let own = conflicts.filter { $0.manager == manager }
                text += " conflicts with \"\(manager)\" using \(own[0].apiVersion):"
                for conflict in own { text += "\n- \(display(conflict.path))" }
            }
            message = text
        }
        var status = APIStatus(
            code: 409, reason: "Conflict", message: message, name: name, group: resource.group, kind: resource.plural)
        status.causes = conflicts.map { conflict in
            .object(
                JSONObject([
                    .init(key: "reason", value: .string("FieldManagerConflict")),
                    .init(
                        key: "message",
                        value: .string("conflict with \"\(conflict.manager)\" using \(conflict.apiVersion)")),
                    .init(key: "field", value: .string(display(conflict.path))),
                ]))
        }
        return status
    }
}
