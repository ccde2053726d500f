import Events

extension ObjectStore {
    /// A pod just created: Kueue's verdict when modelled (a pending Workload keeps it gated, with no phase
    /// progression), otherwise the first automatic phase change, if any.
    func scheduleNewPod(_ entry: inout StoredObject, context: WriteContext) {
        if case .pending(let reason) = settings.kueue?.decide(entry.object) {
            KueueAdmission.gate(&entry.object, time: context.timestamp)
            entry.kueuePending = reason
        } else if !(entry.object.object("spec")?.array("schedulingGates") ?? []).isEmpty {
            // A gated Pod is not scheduled until its last gate is removed (KEP-3521, GA in 1.30).
            KueueAdmission.markGated(&entry.object, time: context.timestamp)
        } else if let progression = settings.phaseProgression {
            entry.nextPhaseAt = context.monotonicNow &+ UInt64(progression.runningAfter.clampedNanoseconds)
        }
    }

    /// After an update: a Pod whose last scheduling gate was just removed becomes schedulable.
    mutating func podUpdated(_ key: ObjectKey, old: JSONObject, context: WriteContext) {
        guard var entry = objects[key], entry.resource == .pods else { return }
        let hadGates = !(old.object("spec")?.array("schedulingGates") ?? []).isEmpty
        let gates = entry.object.object("spec")?.array("schedulingGates") ?? []
        guard hadGates, gates.isEmpty, entry.kueuePending == nil else { return }
        // The scheduler's `SchedulingGated` condition stays until it binds the Pod (the next phase change).
        if let progression = settings.phaseProgression {
            entry.nextPhaseAt = context.monotonicNow &+ UInt64(progression.runningAfter.clampedNanoseconds)
        }
        put(key, entry)
    }
}

extension APISimulator {
    /// Kueue's verdict on a stored pod: why its Workload is pending (the pod stays gated), or `nil` when the pod is
    /// admitted, not Kueue's, unknown, or Kueue is not modelled.
    public func kueuePendingReason(namespace: String, pod name: String) -> String? {
        processor.store.withLock { $0.stored(.pods, namespace, name)?.kueuePending }
    }

    /// The kubelet model's last `FailedMount` for a Pod waiting for a volume, or `nil` (mounted, or not yet tried).
    public func mountFailure(namespace: String, pod name: String) -> String? {
        processor.store.withLock { $0.stored(.pods, namespace, name)?.mountFailure }
    }

    /// Housekeeping rounds run so far, and the pods they examined in all (only those with a timer due).
    public var housekeeping: (rounds: Int, podsExamined: Int) {
        processor.store.withLock { ($0.housekeepingRounds, $0.podsExamined) }
    }

    /// Where the garbage collector stands with an object: `"queued"` (its owners not yet read), `"deleting"` (decided;
    /// the uid-only delete is due), or `nil`.
    public func garbageCollectorState(namespace: String, kind: String, name: String) -> String? {
        guard let resource = ResourceKind.named(kind) else { return nil }
        let key = ObjectStore.key(resource, namespace, name)
        return processor.store.withLock { store in
            store.collectorQueue.first { $0.key == key }.map { $0.deleting ? "deleting" : "queued" }
        }
    }
}
