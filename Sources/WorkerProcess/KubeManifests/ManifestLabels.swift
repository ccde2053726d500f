import Events

/// Label and annotation keys and values on the objects the worker creates (docs/upstream-contract.md §4.2, §4.3). The pod
/// monitor selects on `app` + `component` and reads `execution-id` and `user-id`, so these must not change.
public enum ManifestLabels {
    /// `app`
    public static let app = "app"
    /// `component`
    public static let component = "component"
    /// `execution-id`
    public static let executionID = "execution-id"
    /// `saga-id`
    public static let sagaID = "saga-id"
    /// `language`
    public static let language = "language"
    /// `user-id`
    public static let userID = "user-id"
    /// `kueue.x-k8s.io/queue-name`
    public static let queueName = "kueue.x-k8s.io/queue-name"

    /// Value of `app` on every object: `integr8s`.
    public static let appValue = "integr8s"
    /// Value of `component` on executor Pods: `executor`.
    public static let executorComponent = "executor"
    /// Value of `component` on script ConfigMaps: `execution-script`.
    public static let scriptComponent = "execution-script"
    /// Value of `component` on the NetworkPolicy: `security`.
    public static let securityComponent = "security"

    /// `integr8s.io/execution-id`
    public static let executionIDAnnotation = "integr8s.io/execution-id"
    /// `integr8s.io/created-by`
    public static let createdByAnnotation = "integr8s.io/created-by"
    /// `integr8s.io/language`
    public static let languageAnnotation = "integr8s.io/language"
    /// `integr8s.io/saga-id`
    public static let sagaIDAnnotation = "integr8s.io/saga-id"
    /// `integr8s.io/command-digest`: the ``CommandDigest`` of the command the object was created for (Pod and
    /// ConfigMap; not upstream's).
    public static let commandDigestAnnotation = "integr8s.io/command-digest"
    /// Value of `integr8s.io/created-by`: `kubernetes-worker` (upstream's).
    public static let createdByValue = "kubernetes-worker"
    /// The scheduling gate every executor Pod is created with and loses once its ConfigMap exists, so no Pod can
    /// be scheduled (and start its deadline) before its script is there (``PodManifest``).
    public static let scriptGate = "integr8s.io/script"

    /// The label selector of executor Pods, as the pod monitor uses it: `app=integr8s,component=executor`.
    public static let executorSelector = "\(app)=\(appValue),\(component)=\(executorComponent)"

    /// Whether an existing object (e.g. the body of a GET after a 409 AlreadyExists) belongs to
    /// `executionID`: its `execution-id` label equals it (docs/decisions.md, D4.2).
    public static func belongs(_ object: JSONValue, to executionID: String) -> Bool {
        guard !executionID.isEmpty else { return false }
        return object[member: "metadata"]?[member: "labels"]?[member: Self.executionID]?.stringValue == executionID
    }
}
