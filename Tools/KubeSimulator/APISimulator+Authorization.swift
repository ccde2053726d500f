import Events

/// RBAC policy and authorization records, in process (thread-safe).
extension APISimulator {
    /// The most recent requests the authorizer refused (RBAC mode), oldest first, up to
    /// ``AuthorizationConfiguration/recordCapacity``.
    public func authorizationDenials() -> [AuthorizationCheck] {
        processor.authorization.withLock { $0.denials }
    }

    /// The distinct checks the authorizer allowed for `user` (RBAC mode), including the second `create` check of
    /// an apply that created its object; at most ``AuthorizationConfiguration/recordCapacity`` in all users.
    public func authorizationGrants(user: String) -> Set<AuthorizationCheck> {
        processor.authorization.withLock { $0.grants.filter { $0.user == user } }
    }

    /// Stores the RBAC documents of `source` now, as the admin (the simulator must run in RBAC mode to use them).
    public func loadRBAC(_ source: RBACPolicySource) throws(SimulatorError) {
        try storeRBAC(try source.documents(), source: source.displayName)
    }

    func storeRBAC(_ documents: [(ResourceKind, JSONObject)], source: String) throws(SimulatorError) {
        let context = Self.internalContext()
        for (index, (kind, object)) in documents.enumerated() {
            let namespace = kind.namespaced ? (object.object("metadata")?.string("namespace") ?? "") : ""
            do {
                _ = try processor.store.withLock { store throws(APIStatus) in
                    try store.create(kind, namespace: namespace, body: .object(object), context: context)
                }
            } catch {
                throw SimulatorError(
                    .invalidArgument, "RBAC policy \(source), \(kind.kind) (document \(index + 1)): \(error.message)")
            }
        }
    }
}
