import Events

/// The key of a stored object.
struct ObjectKey: Hashable, Sendable {
    var resource: String
    var namespace: String
    var name: String
}

/// One stored object with the simulator's bookkeeping.
struct StoredObject: Sendable {
    var resource: ResourceKind
    /// The canonical object as served (managedFields rendered in).
    var object: JSONObject
    /// Field ownership.
    var managedFields: [ManagedFieldsEntry]
    /// Monotonic time of the next automatic pod phase change.
    var nextPhaseAt: UInt64?
    /// Monotonic time a graceful deletion completes, and the propagation policy it used.
    var removeAt: UInt64?
    var pendingPropagation: String?
    /// Monotonic time of the pod's `status.startTime`: when the kubelet took it, which is when its
    /// `activeDeadlineSeconds` starts counting (kubelet `pastActiveDeadline`), mounted or not.
    var runningSince: UInt64?
    /// The kubelet's last volume mount failure for this pod (`FailedMount`), while it waits for a volume.
    var mountFailure: String?
    /// The delay before the kubelet's next mount attempt: 500 ms doubling to 2m2s (kubelet volume manager,
    /// `nestedpendingoperations` exponential backoff).
    var mountBackoff: UInt64?
    /// Why Kueue keeps this pod gated (its Workload's `QuotaReserved` message), when it does.
    var kueuePending: String?

    /// When housekeeping must next look at this pod: its next phase, the end of its graceful deletion, or its
    /// deadline (counted from the kubelet's start time while it is Pending or Running).
    var nextDue: UInt64? {
        var due = [nextPhaseAt, removeAt].compactMap { $0 }.min()
        let phase = object.object("status")?.string("phase") ?? "Pending"
        if phase == "Pending" || phase == "Running", let since = runningSince,
            let seconds = object.object("spec")?.int("activeDeadlineSeconds")
        {
            let deadline = since &+ UInt64(max(seconds, 0)) &* 1_000_000_000
            due = min(due ?? deadline, deadline)
        }
        return due
    }

    /// The uids its `ownerReferences` name.
    var ownerUIDs: [String] {
        (object.object("metadata")?.array("ownerReferences") ?? []).compactMap { $0.objectValue?.string("uid") }
    }

    var uid: String { object.object("metadata")?.string("uid") ?? "" }
    var name: String { object.object("metadata")?.string("name") ?? "" }
    var namespace: String { object.object("metadata")?.string("namespace") ?? "" }
    var labels: [String: String] { object.object("metadata")?.object("labels")?.stringMap ?? [:] }
    var resourceVersion: String { object.object("metadata")?.string("resourceVersion") ?? "" }
}
