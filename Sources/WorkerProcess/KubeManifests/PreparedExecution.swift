import Events

/// Everything decided for one `create_pod_command`: the checked runtime and resources, the Pod to
/// create first, and the ConfigMap to create once the Pod's uid is known.
///
/// Every check that could refuse the command has already passed when this exists, so after the Pod is
/// created the ConfigMap can only fail on an unusable uid.
public struct PreparedExecution: Sendable, Hashable {
    /// The command this was prepared from.
    public let command: CreatePodCommand
    /// The runtime decided by the registry.
    public let runtime: ResolvedRuntime
    /// The resources and deadline decided by the policy, with the adjustments to log.
    public let resources: ResolvedResources
    /// The settings used.
    public let settings: ManifestSettings
    /// The ``CommandDigest`` of ``command``, annotated on both objects.
    public let commandDigest: String
    /// The Pod, `executor-<execution_id>`.
    public let pod: KubeObject

    /// Creates a prepared execution (``ExecutionManifestBuilder/prepare(_:)`` is the usual way).
    public init(
        command: CreatePodCommand, runtime: ResolvedRuntime, resources: ResolvedResources, settings: ManifestSettings
    ) {
        self.command = command
        self.runtime = runtime
        self.resources = resources
        self.settings = settings
        self.commandDigest = CommandDigest.hex(command)
        self.pod = PodManifest.build(
            command: command, runtime: runtime, resources: resources, settings: settings, commandDigest: commandDigest)
    }

    /// `execution_id`.
    public var executionID: String { command.executionID }
    /// `script-<execution_id>`.
    public var configMapName: String { ConfigMapManifest.name(executionID: command.executionID) }
    /// What the policy changed (for the log).
    public var adjustments: [ResourceAdjustment] { resources.adjustments }

    /// The ConfigMap, owned by the created Pod whose `metadata.uid` is `podUID`.
    public func configMap(podUID: String) throws(ManifestError) -> KubeObject {
        try ConfigMapManifest.build(
            command: command, runtime: runtime, settings: settings, commandDigest: commandDigest, ownerName: pod.name,
            ownerUID: podUID)
    }
}
