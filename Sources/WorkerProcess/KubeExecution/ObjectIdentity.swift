import Events
import KubeManifests

/// Reading the few fields of an API object the handler decides on.
enum ObjectIdentity {
    /// Every field the readers below look at, and so all the worker's client keeps of a response
    /// (``KubeClientSettings/responseSelection``). A Pod or ConfigMap is mostly `managedFields`, the Pod's spec and
    /// the ConfigMap's script, none of which the handler reads; parsing and freeing them was most of a worker's
    /// instructions per create. A reader that looks at another field must add it here
    /// (`ObjectIdentityTests` compares every reader on whole and selected objects).
    static let fieldsRead: JSONSelection = .members([
        "apiVersion": .all, "kind": .all, "metadata": .allExcept(["managedFields"]),
        "spec": .members(["schedulingGates": .all]), "status": .members(["phase": .all]),
    ])

    /// `metadata.uid`.
    static func uid(_ object: JSONValue) -> String? {
        object.objectValue?["metadata"]?.objectValue?["uid"]?.stringValue
    }

    /// `metadata.labels[key]`.
    static func label(_ key: String, of object: JSONValue) -> String? {
        object.objectValue?["metadata"]?.objectValue?["labels"]?.objectValue?[key]?.stringValue
    }

    /// `metadata.annotations[key]`.
    static func annotation(_ key: String, of object: JSONValue) -> String? {
        object.objectValue?["metadata"]?.objectValue?["annotations"]?.objectValue?[key]?.stringValue
    }

    /// `metadata.deletionTimestamp` is set: the object is on its way out.
    static func isTerminating(_ object: JSONValue) -> Bool {
        guard let stamp = object.objectValue?["metadata"]?.objectValue?["deletionTimestamp"] else { return false }
        return !stamp.isNull
    }

    /// `status.phase` is `Succeeded` or `Failed`: the Pod ran (or was stopped) and will never run again.
    static func hasFinished(_ object: JSONValue) -> Bool {
        let phase = object.objectValue?["status"]?.objectValue?["phase"]?.stringValue
        return phase == "Succeeded" || phase == "Failed"
    }

    /// Whether `spec.schedulingGates` names `gate`.
    static func hasSchedulingGate(_ gate: String, _ object: JSONValue) -> Bool {
        let gates = object.objectValue?["spec"]?.objectValue?["schedulingGates"]?.arrayValue ?? []
        return gates.contains { $0.objectValue?["name"]?.stringValue == gate }
    }

    /// The uids named by `metadata.ownerReferences`.
    static func ownerUIDs(_ object: JSONValue) -> [String] {
        let references = object.objectValue?["metadata"]?.objectValue?["ownerReferences"]?.arrayValue ?? []
        return references.compactMap { $0.objectValue?["uid"]?.stringValue }
    }

    /// Whether `existing` was made by this worker for the same execution as `ours` (the object we would have
    /// created): the same `app` and `execution-id` labels. Anything else with that name belongs to someone else.
    static func isSameExecution(_ existing: JSONValue, as ours: KubeObject) -> Bool {
        let app = label(ManifestLabels.app, of: ours.body)
        let execution = label(ManifestLabels.executionID, of: ours.body)
        return app != nil && execution != nil
            && label(ManifestLabels.app, of: existing) == app
            && label(ManifestLabels.executionID, of: existing) == execution
    }
}
