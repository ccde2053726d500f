/// Cluster-side choices for the objects the worker creates. Every default is this project's decision;
/// the documentation of each property says how it differs from upstream.
public struct ManifestSettings: Sendable, Hashable {
    /// Namespace of every object (upstream: `integr8scode`). See ``ForbiddenNamespaces``.
    public var namespace: String
    /// `spec.runtimeClassName` (e.g. gVisor `runsc`), or `nil` to omit it (upstream's default).
    public var runtimeClassName: String?
    /// `spec.priorityClassName`, or `nil` to omit it (upstream never sets it).
    public var priorityClassName: String?
    /// `spec.serviceAccountName` (a dedicated account without RBAC), or `nil` for the namespace default.
    /// The token is never mounted either way.
    public var serviceAccountName: String?
    /// `spec.terminationGracePeriodSeconds`: 5 (upstream: unset, so 30). The entrypoint forwards TERM and
    /// KILLs the command after 2 s, so 5 s leaves time to write the results.
    public var terminationGracePeriodSeconds: Int
    /// `imagePullPolicy`: `IfNotPresent` (upstream: unset, which means the same for non-`latest` tags
    /// but `Always` for `:latest`); `nil` omits the field.
    public var imagePullPolicy: ImagePullPolicy?
    /// `spec.hostUsers`: `false` (a user namespace, as upstream), `true`, or `nil` to omit it on clusters
    /// without user-namespace support (docs/decisions.md, D4.8: such API servers may drop the field silently; runtimes
    /// without idmapped mounts fail to start the Pod).
    public var hostUsers: Bool?
    /// Value of the `kueue.x-k8s.io/queue-name` label (upstream: `executor-queue`), or `nil` to omit it.
    public var queueName: String?
    /// `dnsConfig.nameservers` with `dnsPolicy: None` (docs/decisions.md, D4.4: DNS disabled; the API needs 1–3
    /// entries; the default points at the Pod's own loopback, where nothing answers), or `nil` for the
    /// cluster default (`ClusterFirst`, upstream's behaviour).
    public var dnsNameservers: [String]?
    /// `sizeLimit` of the `/tmp` emptyDir (upstream: `10Mi`). It also holds the captured output and Go's
    /// build cache (docs/decisions.md, D4.5: `go run` may need more).
    public var tmpSizeLimit: MemoryQuantity
    /// `sizeLimit` of the `/output` emptyDir (upstream: `10Mi`).
    public var outputSizeLimit: MemoryQuantity
    /// Largest script accepted, in UTF-8 bytes (the ConfigMap as a whole must stay under 1 MiB).
    public var maxScriptBytes: Int
    /// `spec.nodeSelector` (label → value), emitted in key order; empty omits it (upstream's behaviour).
    public var nodeSelector: [String: String] = [:]
    /// `spec.tolerations`; empty omits them.
    public var tolerations: [Toleration] = []
    /// `spec.imagePullSecrets` (Secret names in the Pod's namespace); empty omits them.
    public var imagePullSecrets: [String] = []

    /// Creates settings.
    public init(
        namespace: String = "integr8scode",
        runtimeClassName: String? = nil,
        priorityClassName: String? = nil,
        serviceAccountName: String? = nil,
        terminationGracePeriodSeconds: Int = 5,
        imagePullPolicy: ImagePullPolicy? = .ifNotPresent,
        hostUsers: Bool? = false,
        queueName: String? = "executor-queue",
        dnsNameservers: [String]? = ["127.0.0.1"],
        tmpSizeLimit: MemoryQuantity = .mebibytes(10),
        outputSizeLimit: MemoryQuantity = .mebibytes(10),
        maxScriptBytes: Int = 1_000_000
    ) {
        self.namespace = namespace
        self.runtimeClassName = runtimeClassName
        self.priorityClassName = priorityClassName
        self.serviceAccountName = serviceAccountName
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.imagePullPolicy = imagePullPolicy
        self.hostUsers = hostUsers
        self.queueName = queueName
        self.dnsNameservers = dnsNameservers
        self.tmpSizeLimit = tmpSizeLimit
        self.outputSizeLimit = outputSizeLimit
        self.maxScriptBytes = maxScriptBytes
    }

    /// The hard ceiling of a ConfigMap's data (keys and values), enforced by the API server.
    public static let configMapDataLimit = 1 << 20

    /// Refuses unusable settings: a forbidden or invalid namespace, invalid class or account names,
    /// a negative grace period, 0 or more than 3 nameservers, an invalid queue name, or a script
    /// limit that leaves no room under the ConfigMap ceiling.
    public func validate() throws(ManifestError) {
        try ForbiddenNamespaces.check(namespace)
        func require(_ condition: Bool, _ reason: String) throws(ManifestError) {
            if !condition { throw ManifestError(.invalidConfiguration, reason) }
        }
        for (name, value) in [
            ("runtime class", runtimeClassName), ("priority class", priorityClassName),
            ("service account", serviceAccountName),
        ] {
            if let value {
                try require(
                    KubernetesNames.isDNS1123Subdomain(value),
                    "\(name) name '\(ManifestError.clip(value))' is not valid")
            }
        }
        try require(terminationGracePeriodSeconds >= 0, "terminationGracePeriodSeconds must not be negative")
        if let queueName {
            try require(
                LabelSanitizer.isValidValue(queueName) && !queueName.isEmpty,
                "queue name '\(ManifestError.clip(queueName))' is not a valid label value")
        }
        if let dnsNameservers {
            try require((1...3).contains(dnsNameservers.count), "dnsNameservers needs 1 to 3 addresses")
            try require(
                dnsNameservers.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(Self.isAddressByte) },
                "dnsNameservers must be IP addresses")
        }
        for (key, value) in nodeSelector.sorted(by: { $0.key < $1.key }) {
            try require(
                LabelSanitizer.isValidKey(key),
                "node selector key '\(ManifestError.clip(key))' is not a valid label key")
            try require(
                LabelSanitizer.isValidValue(value),
                "node selector value '\(ManifestError.clip(value))' is not a valid label value")
        }
        for toleration in tolerations {
            if let problem = toleration.problem { try require(false, "toleration: \(problem)") }
        }
        for secret in imagePullSecrets {
            try require(
                KubernetesNames.isDNS1123Subdomain(secret),
                "image pull secret name '\(ManifestError.clip(secret))' is not valid")
        }
        try require(tmpSizeLimit.bytes > 0 && outputSizeLimit.bytes > 0, "emptyDir size limits must be positive")
        try require(
            maxScriptBytes > 0 && maxScriptBytes + EntrypointScript.text.utf8.count + 600 <= Self.configMapDataLimit,
            "maxScriptBytes leaves no room for the entrypoint under the 1 MiB ConfigMap limit")
    }

    private static func isAddressByte(_ byte: UInt8) -> Bool {
        KubernetesNames.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}
