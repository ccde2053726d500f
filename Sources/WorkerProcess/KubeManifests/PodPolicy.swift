/// The configurable part of the executor Pod, as the supervisor's `pod:` section gives it to every worker:
/// the runtime table, the registry check, resources, and placement. Everything else (the hardening: uid/gid
/// 1000, no privilege escalation, read-only root, all capabilities dropped, seccomp `RuntimeDefault`, no
/// service-account token, DNS disabled, the deny-all NetworkPolicy) is fixed in ``PodManifest``.
///
/// The defaults reproduce the Pod of earlier releases except for ephemeral storage, which is no longer
/// requested (``EphemeralStorage``).
public struct PodPolicy: Sendable, Hashable {
    /// How ``runtimes`` combine with upstream's table.
    public enum RuntimeTableMode: String, Sendable, Hashable, CaseIterable {
        /// Upstream's table, with ``runtimes`` replacing entries of the same (language, version) and adding the rest.
        case extend
        /// ``runtimes`` only.
        case replace
    }

    /// One configured runtime. `filename` and `command` may be left out: they are then copied from another
    /// entry of the same language (an earlier configured one, else upstream's), as a new version of a known
    /// language needs only its image.
    public struct Runtime: Sendable, Hashable {
        public var language: String
        public var version: String
        /// By tag or by digest (`python:3.13-slim@sha256:…`).
        public var image: String
        public var filename: String?
        public var command: [String]?

        /// Creates a runtime.
        public init(language: String, version: String, image: String, filename: String? = nil, command: [String]? = nil)
        {
            self.language = language
            self.version = version
            self.image = image
            self.filename = filename
            self.command = command
        }
    }

    /// Configured runtimes.
    public var runtimes: [Runtime] = []
    /// How they combine with upstream's table.
    public var runtimesMode: RuntimeTableMode = .extend
    /// Whether a command's (language, version) must be listed and its `runtime_image`, `runtime_command` and
    /// `runtime_filename` must match the entry (``RuntimeRegistry``); `false` is upstream's trust model.
    public var imageAllowList = true
    /// The registry-mirror rewrite, or `nil`.
    public var imagePrefixRewrite: ImageRewrite?
    /// Resource defaults, maxima, ephemeral storage and what happens above a maximum.
    public var resources = ResourcePolicy()
    /// The `kueue.x-k8s.io/queue-name` label (upstream: `executor-queue`), or `nil` to omit it.
    public var queueName: String? = "executor-queue"
    /// `spec.priorityClassName`, or `nil`.
    public var priorityClassName: String?
    /// `spec.runtimeClassName`, or `nil`.
    public var runtimeClassName: String?
    /// `spec.nodeSelector`.
    public var nodeSelector: [String: String] = [:]
    /// `spec.tolerations`.
    public var tolerations: [Toleration] = []
    /// `spec.imagePullSecrets`.
    public var imagePullSecrets: [String] = []
    /// The container's `imagePullPolicy`.
    public var imagePullPolicy: ImagePullPolicy = .ifNotPresent

    /// The defaults.
    public init() {}

    /// The runtime registry this policy describes, refusing duplicates, unusable images and entries whose
    /// file name and command cannot be completed.
    public func registry() throws(ManifestError) -> RuntimeRegistry {
        var entries = runtimesMode == .extend ? RuntimeRegistry.upstreamEntries : []
        var configured: [RuntimeRegistry.Entry] = []
        for runtime in runtimes {
            let name = "\(ManifestError.clip(runtime.language)) \(ManifestError.clip(runtime.version))"
            if runtime.language.isEmpty || runtime.version.isEmpty {
                throw ManifestError(.invalidConfiguration, "runtime '\(name)': language and version are required")
            }
            if let problem = ImageReference.problem(runtime.image) {
                throw ManifestError(.invalidConfiguration, "runtime \(name): \(problem)")
            }
            let template =
                (configured + RuntimeRegistry.upstreamEntries).first { $0.language == runtime.language }
            guard let filename = runtime.filename ?? template?.filename,
                let command = runtime.command ?? template?.command
            else {
                throw ManifestError(
                    .invalidConfiguration,
                    "runtime \(name): filename and command are required (no other entry of the language to copy them from)"
                )
            }
            if configured.contains(where: { $0.language == runtime.language && $0.version == runtime.version }) {
                throw ManifestError(.invalidConfiguration, "runtime registry lists \(name) twice")
            }
            configured.append(
                RuntimeRegistry.Entry(
                    language: runtime.language, version: runtime.version, image: runtime.image, filename: filename,
                    command: command))
        }
        if runtimesMode == .replace {
            entries = configured
            if entries.isEmpty && imageAllowList {
                throw ManifestError(
                    .invalidConfiguration, "runtimes mode replace with no runtimes would refuse every command")
            }
            return try RuntimeRegistry(
                entries: entries, allowUnlisted: !imageAllowList, imageRewrite: imagePrefixRewrite)
        }
        var registry = try RuntimeRegistry(
            entries: entries, allowUnlisted: !imageAllowList, imageRewrite: imagePrefixRewrite)
        registry = try registry.merging(configured)
        return registry
    }

    /// `base` with this policy's Pod fields applied.
    public func apply(to base: ManifestSettings) -> ManifestSettings {
        var settings = base
        settings.queueName = queueName
        settings.priorityClassName = priorityClassName
        if let runtimeClassName { settings.runtimeClassName = runtimeClassName }
        settings.nodeSelector = nodeSelector
        settings.tolerations = tolerations
        settings.imagePullSecrets = imagePullSecrets
        settings.imagePullPolicy = imagePullPolicy
        return settings
    }

    /// The builder for this policy over `base` (namespace, grace period and the fixed choices).
    public func builder(settings base: ManifestSettings) throws(ManifestError) -> ExecutionManifestBuilder {
        try ExecutionManifestBuilder(registry: try registry(), policy: resources, settings: apply(to: base))
    }
}
