import Events

extension ObjectStore {
    /// Metadata the server owns: ignored on input.
    static let serverOwnedMetadata = [
        "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation",
        "managedFields", "selfLink",
    ]

    /// POST: create an object.
    mutating func create(
        _ resource: ResourceKind, namespace: String, body: JSONValue, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        guard let bodyObject = body.objectValue else {
            throw ObjectDecoding.failure(resource, "json: cannot unmarshal into Go value of type \(resource.kind)")
        }
        try ObjectDecoding.check(bodyObject, resource: resource)
        var object = try Self.conform(bodyObject, to: resource, namespace: namespace, name: nil)
        let fieldWarnings = try context.fieldValidation.check(&object, resource)
        var meta = object.object("metadata") ?? JSONObject()
        if let version = meta.string("resourceVersion"), !version.isEmpty {
            throw APIStatus(
                code: 500, reason: "", message: "resourceVersion should not be set on objects to be created")
        }
        if (meta.string("name") ?? "").isEmpty, let prefix = meta.string("generateName"), !prefix.isEmpty {
            var candidate = prefix + Identifiers.generateNameSuffix()
            for _ in 0..<8 where stored(resource, namespace, candidate) != nil {
                candidate = prefix + Identifiers.generateNameSuffix()
            }
            meta.set("name", .string(candidate))
        }
        let name = meta.string("name") ?? ""
        if resource.namespaced && !namespaceExists(namespace) { throw Self.namespaceNotFound(namespace) }
        for key in Self.serverOwnedMetadata { meta.removeAll(named: key) }
        object.set("metadata", .object(meta))
        ResourceRules.prepareForCreate(&object, resource)

        let errors = ResourceRules.validate(object, resource)
        if !errors.isEmpty { throw APIStatus.invalid(resource, name, errors) }
        let warnings = try admit(object, resource: resource, namespace: namespace, name: name)
        if stored(resource, namespace, name) != nil { throw APIStatus.alreadyExists(resource, name) }

        meta = object.object("metadata") ?? JSONObject()
        meta.set("uid", .string(Identifiers.uuid()))
        meta.set("resourceVersion", .string(context.dryRun ? String(revision + 1) : nextResourceVersion()))
        if resource.hasGeneration { meta.set("generation", .integer(1)) }
        meta.set("creationTimestamp", .string(context.timestamp))
        object.set("metadata", .object(meta))

        var managed: [ManagedFieldsEntry] = []
        ManagedFieldsEntry.recordUpdate(
            &managed, manager: context.manager, apiVersion: resource.apiVersion, old: nil, new: object,
            time: context.timestamp)
        var entry = StoredObject(resource: resource, object: object, managedFields: managed)
        if resource == .pods { scheduleNewPod(&entry, context: context) }
        let result = rendered(entry)
        if !context.dryRun { commit(result) }
        return APIResult(status: 201, body: .object(result.object), warnings: fieldWarnings + warnings)
    }

    /// PUT: replace an object (unconditionally, or conditionally on `metadata.resourceVersion`).
    mutating func replace(
        _ resource: ResourceKind, namespace: String, name: String, body: JSONValue, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        guard let bodyObject = body.objectValue else {
            throw ObjectDecoding.failure(resource, "json: cannot unmarshal into Go value of type \(resource.kind)")
        }
        guard let current = stored(resource, namespace, name) else { throw APIStatus.notFound(resource, name) }
        try ObjectDecoding.check(bodyObject, resource: resource)
        let object = try Self.conform(bodyObject, to: resource, namespace: namespace, name: name)
        return try update(current, to: object, context: context)
    }

    /// PATCH with a merge, strategic-merge or JSON patch (server-side apply is `apply`).
    mutating func patch(
        _ resource: ResourceKind, namespace: String, name: String, type: PatchType, patch: JSONValue,
        context: WriteContext
    ) throws(APIStatus) -> APIResult {
        guard let current = stored(resource, namespace, name) else { throw APIStatus.notFound(resource, name) }
        let patched: JSONValue
        switch (type, patch) {
        case (.merge, .object):
            patched = JSONMergePatch.apply(patch, to: .object(current.object))
        case (.strategic, .object(let patchObject)):
            do {
                patched = .object(try StrategicMergePatch.apply(patchObject, to: current.object))
            } catch {
                throw APIStatus.badRequest(error.message)
            }
        case (.json, .array(let operations)):
            do {
                patched = try JSONPatch.apply(operations, to: .object(current.object))
            } catch {
                throw APIStatus(
                    code: 422, reason: "Invalid",
                    message: "the server rejected our request due to an error in our request: \(error.message)")
            }
        default:
            throw APIStatus.badRequest("the patch body must be a JSON \(type == .json ? "array" : "object")")
        }
        guard let patchedObject = patched.objectValue else {
            throw APIStatus.badRequest("the patched object is not a JSON object")
        }
        try ObjectDecoding.check(patchedObject, resource: resource)
        let object = try Self.conform(patchedObject, to: resource, namespace: namespace, name: name)
        return try update(current, to: object, context: context)
    }

    /// The shared update path: preconditions, server-owned fields, validation, no-op detection, commit.
    mutating func update(
        _ current: StoredObject, to incoming: JSONObject, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        let resource = current.resource
        var object = incoming
        let fieldWarnings = try context.fieldValidation.check(&object, resource)
        var meta = object.object("metadata") ?? JSONObject()
        if let version = meta.string("resourceVersion"), !version.isEmpty, version != current.resourceVersion {
            throw APIStatus.staleResourceVersion(resource, current.name)
        }
        if let uid = meta.string("uid"), !uid.isEmpty, uid != current.uid {
            throw APIStatus.conflict(
                resource, current.name,
                "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
        }
        let currentMeta = current.object.object("metadata") ?? JSONObject()
        if currentMeta["deletionTimestamp"] != nil {
            // apimachinery `ValidateObjectMetaUpdate`: a terminating object may lose finalizers, not gain them.
            let old = Set((currentMeta.array("finalizers") ?? []).compactMap(\.stringValue))
            if let added = (meta.array("finalizers") ?? []).compactMap(\.stringValue).first(where: { !old.contains($0) }
            ) {
                throw APIStatus.invalid(
                    resource, current.name,
                    [
                        .forbidden(
                            "metadata.finalizers",
                            "no new finalizers can be added if the object is being deleted, found new finalizers []string{\"\(added)\"}"
                        )
                    ])
            }
        }
        for key in Self.serverOwnedMetadata {
            if let value = currentMeta[key] { meta.set(key, value) } else { meta.removeAll(named: key) }
        }
        object.set("metadata", .object(meta))
        ResourceRules.prepareForUpdate(&object, old: current.object, resource)
        var errors = ResourceRules.validate(object, resource)
        errors += ResourceRules.validateUpdate(old: current.object, new: object, resource)
        if !errors.isEmpty { throw APIStatus.invalid(resource, current.name, errors) }
        var result = try finishUpdate(
            current, object, context: context,
            managed: { entries, old, new in
                ManagedFieldsEntry.recordUpdate(
                    &entries, manager: context.manager, apiVersion: resource.apiVersion, old: old, new: new,
                    time: context.timestamp)
            })
        if resource == .pods && !context.dryRun {
            podUpdated(Self.key(.pods, current.namespace, current.name), old: current.object, context: context)
        }
        if !context.dryRun { finalizersUpdated(Self.key(resource, current.namespace, current.name), context: context) }
        result.warnings = fieldWarnings + result.warnings
        return result
    }

    /// Commits `object` over `current` unless nothing changed (no new resource version for a no-op, as in the
    /// API server). Bumps `generation` when anything outside metadata and status changed.
    mutating func finishUpdate(
        _ current: StoredObject, _ incoming: JSONObject, context: WriteContext,
        managed: (inout [ManagedFieldsEntry], JSONObject, JSONObject) -> Void
    ) throws(APIStatus) -> APIResult {
        var object = ObjectShape.canonical(incoming)
        var entries = current.managedFields
        managed(&entries, current.object, object)
        func ownership(_ list: [ManagedFieldsEntry]) -> [ManagedFieldsEntry] {
            list.map {
                var copy = $0
                copy.time = ""
                return copy
            }
        }
        if Self.comparable(object) == Self.comparable(current.object)
            && ownership(entries) == ownership(current.managedFields)
        {
            return APIResult(status: 200, body: .object(current.object))
        }
        var meta = object.object("metadata") ?? JSONObject()
        if current.resource.hasGeneration && Self.specPart(object) != Self.specPart(current.object) {
            meta.set("generation", .integer((current.object.object("metadata")?.int("generation") ?? 0) + 1))
        }
        meta.set("resourceVersion", .string(context.dryRun ? String(revision + 1) : nextResourceVersion()))
        object.set("metadata", .object(meta))
        var entry = current
        entry.managedFields = entries
        entry.object = object
        let result = rendered(entry)
        if !context.dryRun { commit(result) }
        return APIResult(status: 200, body: .object(result.object))
    }

    /// The object as served: managedFields rendered in, canonical shape.
    func rendered(_ stored: StoredObject) -> StoredObject {
        var entry = stored
        var meta = entry.object.object("metadata") ?? JSONObject()
        if entry.managedFields.isEmpty {
            meta.removeAll(named: "managedFields")
        } else {
            meta.set("managedFields", .array(entry.managedFields.map(\.json)))
        }
        entry.object.set("metadata", .object(meta))
        entry.object = ObjectShape.canonical(entry.object)
        return entry
    }

    /// Pod Security admission for pods (403 on `enforce` violations, warnings for `warn`).
    func admit(
        _ object: JSONObject, resource: ResourceKind, namespace: String, name: String
    ) throws(APIStatus) -> [String] {
        guard resource == .pods, let namespaceObject = stored(.namespaces, "", namespace) else { return [] }
        let labels = namespaceObject.labels
        let spec = object.object("spec") ?? JSONObject()
        if let enforce = PodSecurity(labels: labels, mode: "enforce", serverMinor: settings.kubernetesMinor) {
            let violations = enforce.evaluate(spec)
            if !violations.isEmpty { throw APIStatus.forbidden(.pods, name, enforce.message(violations)) }
        }
        // ResourceQuota comes after PodSecurity among the API server's admission plugins, and before storage: a
        // Pod whose name is taken still meets the quota (its namesake counts as used) before AlreadyExists.
        let quotas = objects.values.filter { $0.resource == .resourceQuotas && $0.namespace == namespace }
        if !quotas.isEmpty {
            try ResourceQuotaAdmission.check(
                pod: object, name: name, quotas: quotas,
                others: objects.values.filter { $0.resource == .pods && $0.namespace == namespace })
        }
        if let warn = PodSecurity(labels: labels, mode: "warn", serverMinor: settings.kubernetesMinor) {
            let violations = warn.evaluate(spec)
            if !violations.isEmpty { return [warn.message(violations, verb: "would violate")] }
        }
        return []
    }

    /// The object without the fields that change on every write.
    private static func comparable(_ object: JSONObject) -> JSONObject {
        var copy = object
        var meta = copy.object("metadata") ?? JSONObject()
        meta.removeAll(named: "resourceVersion")
        meta.removeAll(named: "managedFields")
        copy.set("metadata", .object(meta))
        return copy
    }

    private static func specPart(_ object: JSONObject) -> JSONObject {
        JSONObject(object.members.filter { !["metadata", "status", "kind", "apiVersion"].contains($0.key) })
    }
}
