import Events

extension ObjectStore {
    /// DELETE one object.
    mutating func delete(
        _ resource: ResourceKind, namespace: String, name: String, options: DeleteOptions, context: WriteContext
    ) throws(APIStatus) -> APIResult {
        guard var current = stored(resource, namespace, name) else { throw APIStatus.notFound(resource, name) }
        if let uid = options.preconditionUID, !uid.isEmpty, uid != current.uid {
            throw APIStatus.conflict(
                resource, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
        }
        if let version = options.preconditionResourceVersion, !version.isEmpty, version != current.resourceVersion {
            throw APIStatus.conflict(
                resource, name,
                "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(current.resourceVersion)"
            )
        }
        let status = options.legacyDeleteDependents ? 202 : 200
        let policy = options.propagation ?? .background
        let key = Self.key(resource, namespace, name)

        if resource == .pods, let grace = gracefulPeriod(current, options), grace > 0 {
            var meta = current.object.object("metadata") ?? JSONObject()
            let alreadyTerminating = meta["deletionTimestamp"] != nil
            let deadline =
                context.monotonicNow
                &+ UInt64(min(grace * 1_000_000_000, settings.maxGracefulDeletion.clampedNanoseconds))
            if alreadyTerminating, let existing = meta.int("deletionGracePeriodSeconds"), existing <= grace {
                return APIResult(status: status, body: .object(current.object))
            }
            meta.set(
                "deletionTimestamp",
                .string(SimulatorClock.rfc3339(wallMicroseconds: SimulatorClock.wallMicroseconds() + grace * 1_000_000))
            )
            meta.set("deletionGracePeriodSeconds", .integer(grace))
            meta.set("resourceVersion", .string(context.dryRun ? String(revision + 1) : nextResourceVersion()))
            current.object.set("metadata", .object(meta))
            current.removeAt = min(current.removeAt ?? .max, deadline)
            current.pendingPropagation = policy.rawValue
            let result = rendered(current)
            if !context.dryRun { commit(result) }
            return APIResult(status: status, body: .object(result.object))
        }

        let finalizers = current.object.object("metadata")?.array("finalizers") ?? []
        if !finalizers.isEmpty || (policy == .foreground && collectorDelay > 0 && !dependents(of: current).isEmpty) {
            // Held by finalizers (the collector's own for a foreground deletion): marked, removed when they are gone.
            if context.dryRun { return APIResult(status: status, body: .object(current.object)) }
            if policy == .foreground, let marked = beginForegroundDeletion(key, context: context) {
                return APIResult(status: status, body: .object(marked))
            }
            deleteRespectingFinalizers(key, policy: policy, context: context)
            return APIResult(status: status, body: .object(objects[key]?.object ?? current.object))
        }
        var finalObject = current.object
        if resource.returnsDeletedObject {
            var meta = finalObject.object("metadata") ?? JSONObject()
            if meta["deletionTimestamp"] == nil { meta.set("deletionTimestamp", .string(context.timestamp)) }
            meta.set("deletionGracePeriodSeconds", .integer(0))
            if resource == .namespaces { finalObject.set(path: ["status", "phase"], .string("Terminating")) }
            finalObject.set(
                "metadata", .object(ObjectShape.canonical(meta).reordered(leading: ObjectShape.metadataOrder)))
        }
        if !context.dryRun {
            if resource == .namespaces {
                for objectKey in objects.keys where objectKey.namespace == name && !objectKey.namespace.isEmpty {
                    _ = remove(objectKey)
                }
            }
            removeCascading(key, policy: policy, context: context)
        }
        if resource.returnsDeletedObject { return APIResult(status: status, body: .object(finalObject)) }
        return APIResult(status: status, body: Self.successStatus(resource, name: name, uid: current.uid))
    }

    /// DELETE on a collection: deletes every matching object; answers with the list of deleted objects.
    mutating func deleteCollection(
        _ resource: ResourceKind, namespace: String?, listOptions: ListOptions, options: DeleteOptions,
        context: WriteContext
    ) throws(APIStatus) -> APIResult {
        var deleted: [JSONValue] = []
        for entry in matching(resource, namespace: namespace, options: listOptions) {
            let result = try delete(
                resource, namespace: entry.namespace, name: entry.name, options: options, context: context)
            var item = resource.returnsDeletedObject ? (result.body.objectValue ?? entry.object) : entry.object
            item.removeAll(named: "kind")
            item.removeAll(named: "apiVersion")
            deleted.append(.object(item))
        }
        var list = JSONObject()
        list.append("kind", .string("\(resource.kind)List"))
        list.append("apiVersion", .string(resource.apiVersion))
        list.append("metadata", .object(JSONObject([.init(key: "resourceVersion", value: .string(String(revision)))])))
        list.append("items", .array(deleted))
        return APIResult(status: 200, body: .object(list))
    }

    /// Removes an object. Its dependents lose their reference to it under `Orphan`; otherwise they go to the
    /// garbage collector (``runCollector(context:)``), or with a zero delay are removed at once when no other live
    /// owner keeps them.
    mutating func removeCascading(_ key: ObjectKey, policy: DeleteOptions.Propagation, context: WriteContext) {
        guard collectorDelay == 0 else {
            guard let removed = remove(key) else { return }
            for (dependentKey, dependent) in dependents(of: removed) {
                if policy == .orphan {
                    let others = (dependent.object.object("metadata")?.array("ownerReferences") ?? []).filter {
                        $0.objectValue?.string("uid") != removed.uid
                    }
                    setOwnerReferences(dependentKey, to: others, context: context)
                } else {
                    queueForCollection(dependentKey, uid: dependent.uid, now: context.monotonicNow)
                }
            }
            return
        }
        var work: [(ObjectKey, DeleteOptions.Propagation)] = [(key, policy)]
        while let (nextKey, nextPolicy) = work.popLast() {
            guard let removed = remove(nextKey) else { continue }
            for (dependentKey, dependent) in dependents(of: removed) {
                let references = dependent.object.object("metadata")?.array("ownerReferences") ?? []
                let others = references.filter { $0.objectValue?.string("uid") != removed.uid }
                let liveOthers = others.filter { reference in
                    guard let uid = reference.objectValue?.string("uid") else { return false }
                    return ownerExists(uid: uid, namespace: dependent.namespace)
                }
                if nextPolicy == .orphan || !liveOthers.isEmpty {
                    setOwnerReferences(dependentKey, to: nextPolicy == .orphan ? others : liveOthers, context: context)
                } else {
                    work.append((dependentKey, .background))
                    countGarbageCollected(1)
                }
            }
        }
    }

    /// Whether an object with `uid` exists in `namespace` or at cluster scope.
    func ownerExists(uid: String, namespace: String) -> Bool {
        liveUIDs[namespace]?.contains(uid) == true || liveUIDs[""]?.contains(uid) == true
    }

    /// The garbage collector's sweep for dependents whose owners are all gone (e.g. created with a reference to
    /// an owner that never existed): they are deleted in the background. `candidates` limits it to objects
    /// written since the last sweep; `nil` (after a removal) looks at every object.
    mutating func collectDanglingDependents(among candidates: Set<ObjectKey>? = nil, context: WriteContext) {
        let clusterUIDs = liveUIDs[""] ?? []
        var doomed: [ObjectKey] = []
        let examined: [(ObjectKey, StoredObject)] =
            candidates.map { keys in keys.compactMap { key in objects[key].map { (key, $0) } } }
            ?? objects.map { ($0.key, $0.value) }
        for (key, entry) in examined {
            let references = entry.object.object("metadata")?.array("ownerReferences") ?? []
            guard !references.isEmpty else { continue }
            let local = liveUIDs[entry.namespace] ?? []
            let alive = references.contains { reference in
                guard let uid = reference.objectValue?.string("uid") else { return false }
                return local.contains(uid) || clusterUIDs.contains(uid)
            }
            if !alive { doomed.append(key) }
        }
        for key in doomed {
            guard let entry = objects[key] else { continue }
            if collectorDelay > 0 {
                queueForCollection(key, uid: entry.uid, now: context.monotonicNow)
            } else {
                countGarbageCollected(1)
                removeCascading(key, policy: .background, context: context)
            }
        }
    }

    mutating func setOwnerReferences(_ key: ObjectKey, to references: [JSONValue], context: WriteContext) {
        guard var entry = objects[key] else { return }
        let old = entry.object
        var meta = entry.object.object("metadata") ?? JSONObject()
        if references.isEmpty {
            meta.removeAll(named: "ownerReferences")
        } else {
            meta.set("ownerReferences", .array(references))
        }
        meta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(meta))
        ManagedFieldsEntry.recordUpdate(
            &entry.managedFields, manager: "generic-garbage-collector", apiVersion: entry.resource.apiVersion,
            old: old, new: entry.object, time: context.timestamp)
        commit(rendered(entry))
    }

    private func gracefulPeriod(_ pod: StoredObject, _ options: DeleteOptions) -> Int64? {
        let spec = pod.object.object("spec") ?? JSONObject()
        let phase = pod.object.object("status")?.string("phase") ?? ""
        guard !(spec.string("nodeName") ?? "").isEmpty, phase != "Succeeded", phase != "Failed" else { return 0 }
        return options.gracePeriodSeconds ?? spec.int("terminationGracePeriodSeconds") ?? 30
    }

    /// The `Status` a DELETE answers with for resources that do not return the deleted object.
    static func successStatus(_ resource: ResourceKind, name: String, uid: String) -> JSONValue {
        var details = JSONObject()
        details.append("name", .string(name))
        if !resource.group.isEmpty { details.append("group", .string(resource.group)) }
        details.append("kind", .string(resource.plural))
        details.append("uid", .string(uid))
        return .object(
            JSONObject([
                .init(key: "kind", value: .string("Status")), .init(key: "apiVersion", value: .string("v1")),
                .init(key: "metadata", value: .object(JSONObject())), .init(key: "status", value: .string("Success")),
                .init(key: "details", value: .object(details)),
            ]))
    }
}
