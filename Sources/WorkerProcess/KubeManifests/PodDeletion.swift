import Events

/// The delete call for a `delete_pod_command`: `DELETE /api/v1/namespaces/<ns>/pods/executor-<id>` with
/// a short grace period and background propagation, so the garbage collector removes the owned
/// ConfigMap too.
///
/// The target is always derived from `execution_id` and the configured namespace. Upstream ignored the
/// command's `pod_name` and `namespace` (docs/decisions.md, D7); here they are checked instead: when present they must
/// name that same Pod and namespace, otherwise the command is refused — a delete command can never
/// reach a Pod that is not an executor of this worker.
public struct PodDeletion: Sendable, Hashable {
    /// `executor-<execution_id>`.
    public let name: String
    /// The configured namespace.
    public let namespace: String
    /// `gracePeriodSeconds` of the delete (the settings' `terminationGracePeriodSeconds`).
    public let gracePeriodSeconds: Int

    /// Plans the deletion for `command`.
    public init(command: DeletePodCommand, settings: ManifestSettings) throws(ManifestError) {
        if let problem = KubernetesNames.executionIDProblem(command.executionID) {
            throw ManifestError(.invalidExecutionID, problem)
        }
        let name = PodManifest.name(executionID: command.executionID)
        if let podName = command.podName, podName != name {
            throw ManifestError(
                .targetMismatch, "pod_name '\(ManifestError.clip(podName))' is not this execution's Pod")
        }
        if let namespace = command.namespace, namespace != settings.namespace {
            throw ManifestError(
                .targetMismatch, "namespace '\(ManifestError.clip(namespace))' is not the worker's namespace")
        }
        self.name = name
        self.namespace = settings.namespace
        self.gracePeriodSeconds = settings.terminationGracePeriodSeconds
    }

    /// `/api/v1/namespaces/<ns>/pods/<name>`.
    public var path: String { "/api/v1/namespaces/\(namespace)/pods/\(name)" }

    /// The `DeleteOptions` body: `{"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":…,"propagationPolicy":"Background"}`.
    public var body: JSONValue { body(preconditionUID: nil) }

    /// The `DeleteOptions` body, refusing the delete unless the Pod still has `preconditionUID` (when given):
    /// a Pod replaced since it was read is never deleted by mistake.
    public func body(preconditionUID: String?) -> JSONValue {
        Self.options(gracePeriodSeconds: gracePeriodSeconds, preconditionUID: preconditionUID)
    }

    /// `DeleteOptions` for any object: background propagation (the garbage collector removes what it owns),
    /// an optional grace period and an optional uid precondition.
    public static func options(gracePeriodSeconds: Int?, preconditionUID: String?) -> JSONValue {
        var object = JSONObject()
        object.append("apiVersion", .text("v1"))
        object.append("kind", .text("DeleteOptions"))
        if let gracePeriodSeconds { object.append("gracePeriodSeconds", .integer(gracePeriodSeconds)) }
        object.append("propagationPolicy", .text("Background"))
        if let preconditionUID { object.append("preconditions", .members(["uid": .text(preconditionUID)])) }
        return .object(object)
    }
}
