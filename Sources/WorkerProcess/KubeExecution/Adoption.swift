import Events
import KubeManifests

/// Whether an object found under the name a create wanted (409 AlreadyExists, then a GET) may stand in for the
/// one it would have created. A pure decision over the two objects' metadata.
///
/// Adopted only when it is this execution's (`app` and `execution-id` labels, ``ObjectIdentity/isSameExecution``)
/// **and** was made for this very command: its `integr8s.io/command-digest` annotation equals ours
/// (``CommandDigest``) and its `integr8s.io/saga-id` annotation equals ours (both absent when the saga id is
/// empty). That is a redelivery, a retry after a lost response, or a crash between the two objects.
///
/// Labels alone cannot tell two commands with the same execution id apart, so an object of this execution
/// without a digest — made by this worker before it wrote one, by upstream's Python worker, or by hand — is a
/// conflict too: nothing proves it runs this command's script. The cost is that a redelivery meeting objects an
/// older worker version made is answered as a conflict (the README's Kubernetes section says so).
enum Adoption: Equatable {
    /// The same execution and the same command: use it.
    case same
    /// Not this execution's: someone else's object holds the name.
    case foreign
    /// This execution's, made for another command. `difference` says what differs, for the log only.
    case conflict(difference: String)

    /// The verdict for `existing` (the API server's copy) against `ours` (the object the create sent).
    static func judge(_ existing: JSONValue, as ours: KubeObject) -> Adoption {
        guard ObjectIdentity.isSameExecution(existing, as: ours) else { return .foreign }
        let digestKey = ManifestLabels.commandDigestAnnotation
        guard let digest = ObjectIdentity.annotation(digestKey, of: existing) else {
            return .conflict(difference: "the existing object has no \(digestKey) annotation")
        }
        if digest != ObjectIdentity.annotation(digestKey, of: ours.body) {
            return .conflict(difference: "\(digestKey) differs")
        }
        let sagaKey = ManifestLabels.sagaIDAnnotation
        if ObjectIdentity.annotation(sagaKey, of: existing) != ObjectIdentity.annotation(sagaKey, of: ours.body) {
            return .conflict(difference: "\(sagaKey) differs")
        }
        return .same
    }

    /// The reason a conflicting create fails with: short, fixed, safe for the user to read.
    static let conflictReason = "conflict: the execution_id is already used by another command"
}
