import Events

/// Turns `create_pod_command`s into Kubernetes objects: the registry decides the runtime, the policy
/// the resources, the settings the cluster-side choices.
///
/// ```swift
/// let builder = try ExecutionManifestBuilder(settings: ManifestSettings(namespace: "integr8scode"))
/// let prepared = try builder.prepare(command)     // refusals are permanent, user-safe ManifestErrors
/// // POST prepared.pod.json, read metadata.uid from the answer, then
/// let configMap = try prepared.configMap(podUID: uid)
/// ```
public struct ExecutionManifestBuilder: Sendable {
    /// Runtimes.
    public let registry: RuntimeRegistry
    /// Resource defaults and bounds.
    public let policy: ResourcePolicy
    /// Cluster-side choices.
    public let settings: ManifestSettings

    /// Creates a builder after validating the policy and the settings (forbidden namespaces included),
    /// and that the ephemeral-storage limit covers the two emptyDir volumes.
    public init(
        registry: RuntimeRegistry = .upstream, policy: ResourcePolicy = ResourcePolicy(), settings: ManifestSettings
    ) throws(ManifestError) {
        try policy.validate()
        try settings.validate()
        if let storage = policy.ephemeralStorage, let limit = storage.limit,
            limit.bytes
                < settings.tmpSizeLimit.bytes.addingReportingOverflow(settings.outputSizeLimit.bytes).partialValue
        {
            throw ManifestError(
                .invalidConfiguration,
                "the ephemeral-storage limit (\(limit)) must cover the /tmp and /output volumes (\(settings.tmpSizeLimit) + \(settings.outputSizeLimit))"
            )
        }
        self.registry = registry
        self.policy = policy
        self.settings = settings
    }

    /// Checks the command and builds its Pod; the ConfigMap follows from the result.
    ///
    /// Refuses, in this order: an execution id that cannot name objects, an unknown or mismatched
    /// runtime, an invalid quantity or a negative timeout, a script over the size limit.
    public func prepare(_ command: CreatePodCommand) throws(ManifestError) -> PreparedExecution {
        if let problem = KubernetesNames.executionIDProblem(command.executionID) {
            throw ManifestError(.invalidExecutionID, problem)
        }
        let runtime = try registry.resolve(command)
        let resources = try policy.resolve(command)
        let scriptBytes = command.script.utf8.count
        if scriptBytes > settings.maxScriptBytes
            || ConfigMapManifest.dataSize(script: command.script, filename: runtime.filename)
                > ManifestSettings.configMapDataLimit
        {
            throw ManifestError(
                .scriptTooLarge, "the script is \(scriptBytes) bytes; at most \(settings.maxScriptBytes) are accepted")
        }
        return PreparedExecution(command: command, runtime: runtime, resources: resources, settings: settings)
    }
}
