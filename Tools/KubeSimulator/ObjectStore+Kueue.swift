extension ObjectStore {
    /// A pod just created: Kueue's verdict when modelled (a pending Workload keeps it gated, with no phase
    /// progression), otherwise the first automatic phase change, if any.
    func scheduleNewPod(_ entry: inout StoredObject, context: WriteContext) {
        if case .pending(let reason) = settings.kueue?.decide(entry.object) {
            KueueAdmission.gate(&entry.object, time: context.timestamp)
            entry.kueuePending = reason
        } else if let progression = settings.phaseProgression {
            entry.nextPhaseAt = context.monotonicNow &+ UInt64(progression.runningAfter.clampedNanoseconds)
        }
    }
}

extension APISimulator {
    /// Kueue's verdict on a stored pod: why its Workload is pending (the pod stays gated), or `nil` when the pod is
    /// admitted, not Kueue's, unknown, or Kueue is not modelled.
    public func kueuePendingReason(namespace: String, pod name: String) -> String? {
        processor.store.withLock { $0.stored(.pods, namespace, name)?.kueuePending }
    }
}
