import Events

/// One dependent the garbage collector will look at.
struct CollectorItem: Sendable, Hashable {
    var key: ObjectKey
    /// The dependent's uid when it was queued: a replacement with the same name is another object.
    var uid: String
    /// Monotonic time of the next step.
    var due: UInt64
    /// `false`: the collector has yet to read the owners; `true`: it decided, and deletes at `due`.
    var deleting: Bool
}

/// The garbage collector on its own schedule, as kube-controller-manager's (pkg/controller/garbagecollector):
///
/// - An owner's removal queues its dependents (`attemptToDelete`). After ``StoreSettings/garbageCollectionDelay``
///   (the informer and work-queue latency) the collector reads each dependent and classifies its owner references:
///   a live owner left keeps it (the dangling references are removed), none deletes it.
/// - The delete comes ``StoreSettings/garbageCollectionDelay`` after that decision and carries only a **uid**
///   precondition (`deleteObject` with `Preconditions{UID}`): if the dependent was re-pointed at a new owner in
///   between, it is deleted all the same. That is the real collector's window, and why a client must not hand a
///   dependent from a deleted owner to a new one.
/// - `propagationPolicy: Foreground`: the owner stays, with `deletionTimestamp` and the `foregroundDeletion`
///   finalizer, until its dependents are gone; then the finalizer is removed and the owner with it.
/// - Any other finalizer keeps a deleted object (with `deletionTimestamp`) until an update empties its finalizers.
///
/// A delay of zero collects synchronously, inside the delete (the simulator's behaviour before this model).
extension ObjectStore {
    static let foregroundFinalizer = "foregroundDeletion"

    var collectorDelay: UInt64 { UInt64(settings.garbageCollectionDelay.clampedNanoseconds) }

    /// Queues `key` for the collector's decision, unless already queued.
    mutating func queueForCollection(_ key: ObjectKey, uid: String, now: UInt64) {
        guard collectorQueued.insert(key).inserted else { return }
        collectorQueue.append(CollectorItem(key: key, uid: uid, due: now &+ collectorDelay, deleting: false))
    }

    /// The dependents of `owner` (by uid) in its scope.
    func dependents(of owner: StoredObject) -> [(ObjectKey, StoredObject)] {
        let scopeNamespace = owner.resource.namespaced ? owner.namespace : nil
        return (dependentsByOwner[owner.uid] ?? []).sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            .compactMap { key in
                if let scopeNamespace, key.namespace != scopeNamespace { return nil }
                return objects[key].map { (key, $0) }
            }
    }

    /// The collector's due steps and the foreground deletions that can finish. Returns whether anything changed.
    mutating func runCollector(context: WriteContext) -> Bool {
        let now = context.monotonicNow
        var changed = false
        var later: [CollectorItem] = []
        let due = collectorQueue
        collectorQueue = []
        // An owner being deleted in the foreground waits for its dependents: it does not keep them.
        let leaving = Set(foregroundOwners.compactMap { objects[$0]?.uid })
        for item in due {
            if item.due > now {
                later.append(item)
                continue
            }
            guard let entry = objects[item.key], entry.uid == item.uid else {
                collectorQueued.remove(item.key)
                continue
            }
            if item.deleting {
                collectorQueued.remove(item.key)
                countGarbageCollected(1)
                deleteRespectingFinalizers(item.key, policy: .background, context: context)
                changed = true
                continue
            }
            let references = entry.object.object("metadata")?.array("ownerReferences") ?? []
            let live = references.filter { reference in
                guard let uid = reference.objectValue?.string("uid") else { return false }
                return ownerExists(uid: uid, namespace: entry.namespace) && !leaving.contains(uid)
            }
            if references.isEmpty || !live.isEmpty {
                if live.count < references.count {
                    setOwnerReferences(item.key, to: live, context: context)
                    changed = true
                }
                collectorQueued.remove(item.key)
                continue
            }
            var decided = item
            decided.deleting = true
            decided.due = now &+ collectorDelay
            later.append(decided)
        }
        collectorQueue = later + collectorQueue
        for key in foregroundOwners {
            guard let owner = objects[key] else {
                foregroundOwners.remove(key)
                continue
            }
            guard dependents(of: owner).isEmpty else { continue }
            foregroundOwners.remove(key)
            removeFinalizer(Self.foregroundFinalizer, from: key, context: context)
            changed = true
        }
        return changed
    }

    /// Removes `key` with its dependents per `policy`, unless finalizers hold it: then it only gets its
    /// `deletionTimestamp` and stays until they are removed.
    mutating func deleteRespectingFinalizers(_ key: ObjectKey, policy: DeleteOptions.Propagation, context: WriteContext)
    {
        guard var entry = objects[key] else { return }
        let finalizers = entry.object.object("metadata")?.array("finalizers") ?? []
        guard finalizers.isEmpty else {
            // A Pod's grace period, if any, is over: only the finalizers hold it now.
            entry.removeAt = nil
            var meta = entry.object.object("metadata") ?? JSONObject()
            guard meta["deletionTimestamp"] == nil else {
                put(key, entry)
                return
            }
            meta.set("deletionTimestamp", .string(context.timestamp))
            meta.set("deletionGracePeriodSeconds", .integer(0))
            meta.set("resourceVersion", .string(nextResourceVersion()))
            entry.object.set("metadata", .object(meta))
            commit(rendered(entry))
            return
        }
        removeCascading(key, policy: policy, context: context)
    }

    /// `DELETE` with `propagationPolicy: Foreground` on an object with dependents: it stays, marked, until they are
    /// gone. Returns the marked object.
    mutating func beginForegroundDeletion(_ key: ObjectKey, context: WriteContext) -> JSONObject? {
        guard var entry = objects[key] else { return nil }
        var meta = entry.object.object("metadata") ?? JSONObject()
        var finalizers = meta.array("finalizers") ?? []
        if !finalizers.contains(.string(Self.foregroundFinalizer)) {
            finalizers.append(.string(Self.foregroundFinalizer))
        }
        meta.set("finalizers", .array(finalizers))
        if meta["deletionTimestamp"] == nil { meta.set("deletionTimestamp", .string(context.timestamp)) }
        meta.set("deletionGracePeriodSeconds", .integer(0))
        meta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(meta))
        let result = rendered(entry)
        commit(result)
        foregroundOwners.insert(key)
        for (dependentKey, dependent) in dependents(of: entry) {
            queueForCollection(dependentKey, uid: dependent.uid, now: context.monotonicNow)
        }
        return result.object
    }

    /// Removes one finalizer; an object being deleted whose last finalizer goes is removed.
    mutating func removeFinalizer(_ finalizer: String, from key: ObjectKey, context: WriteContext) {
        guard var entry = objects[key] else { return }
        var meta = entry.object.object("metadata") ?? JSONObject()
        let remaining = (meta.array("finalizers") ?? []).filter { $0.stringValue != finalizer }
        if remaining.isEmpty && meta["deletionTimestamp"] != nil {
            removeCascading(key, policy: .background, context: context)
            return
        }
        meta.set("finalizers", .array(remaining))
        meta.set("resourceVersion", .string(nextResourceVersion()))
        entry.object.set("metadata", .object(meta))
        commit(rendered(entry))
    }

    /// After an update: an object being deleted whose finalizers are now empty is removed.
    mutating func finalizersUpdated(_ key: ObjectKey, context: WriteContext) {
        guard let entry = objects[key], let meta = entry.object.object("metadata"), meta["deletionTimestamp"] != nil,
            entry.removeAt == nil, (meta.array("finalizers") ?? []).isEmpty
        else { return }
        foregroundOwners.remove(key)
        removeCascading(key, policy: .background, context: context)
    }
}
