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
    /// Monotonic time the pod started running (for activeDeadlineSeconds).
    var runningSince: UInt64?
    /// Why Kueue keeps this pod gated (its Workload's `QuotaReserved` message), when it does.
    var kueuePending: String?

    var uid: String { object.object("metadata")?.string("uid") ?? "" }
    var name: String { object.object("metadata")?.string("name") ?? "" }
    var namespace: String { object.object("metadata")?.string("namespace") ?? "" }
    var labels: [String: String] { object.object("metadata")?.object("labels")?.stringMap ?? [:] }
    var resourceVersion: String { object.object("metadata")?.string("resourceVersion") ?? "" }
}
