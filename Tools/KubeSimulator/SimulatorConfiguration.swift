/// Everything that configures an ``APISimulator``.
public struct SimulatorConfiguration: Sendable {
    /// Connection and input limits (untrusted clients).
    public struct Limits: Sendable, Hashable {
        /// The request line plus headers.
        public var maxHeaderBytes = 64 * 1024
        /// A request body (the API server's limit is 3 MiB); larger bodies get 413.
        public var maxBodyBytes = 3 * 1024 * 1024
        /// Header fields per request.
        public var maxHeaderCount = 128
        /// An idle keep-alive connection is closed after this long.
        public var idleTimeout: Duration = .seconds(60)
        /// A TLS handshake must finish within this long.
        public var handshakeTimeout: Duration = .seconds(10)
        /// A started request must be complete within this long (408 otherwise).
        public var requestTimeout: Duration = .seconds(30)
        /// Open connections per event loop; more are accepted and closed at once.
        public var maxConnectionsPerLoop = 2048
        /// Objects per list response when the client sends no `limit`.
        public var maxListItems = 100_000
        /// How often each loop checks its connections' timeouts and runs the object lifecycle. Tests shorten it.
        var housekeepingInterval: Duration = .milliseconds(50)

        /// The defaults.
        public init() {}
    }

    /// The host (an IP literal) to listen on.
    public var host = "127.0.0.1"
    /// The TCP port; 0 picks an ephemeral port (see ``APISimulator/port``).
    public var port: UInt16 = 0
    /// Where `ca.crt`, `client.crt`, `client.key`, `kubeconfig` and `admin-token` are written (created 0700).
    public var outputDirectory: String
    /// Namespaces that exist at start.
    public var namespaces: [String] = []
    /// Labels for the namespaces created at start, by namespace name (e.g. the PSA `enforce` label).
    public var namespaceLabels: [String: [String: String]] = [:]
    /// Accepted bearer tokens; when empty (and there is no token file), one random token is generated.
    public var tokens: [String] = []
    /// A file of bearer tokens (one per line), re-read whenever it changes; created with the first token if missing.
    /// When set, the kubeconfig's token user refers to it with `tokenFile`.
    public var tokenFile: String?
    /// The token for `/_sim/...` (also valid for the Kubernetes API); random when `nil`.
    public var adminToken: String?
    /// Who the bearer tokens (the kubeconfig's `token` context) authenticate as: when set, this service account
    /// (user `system:serviceaccount:<namespace>:<name>`, groups `system:serviceaccounts`,
    /// `system:serviceaccounts:<namespace>`, `system:authenticated`); else ``clientUser`` in ``clientGroups``.
    public var tokenServiceAccount: ServiceAccountName?
    /// The authorizer: AlwaysAllow (default) or RBAC with the policies stored at start.
    public var authorization = AuthorizationConfiguration()
    /// The client certificate's common name (the Kubernetes user).
    public var clientUser = "k8s-worker"
    /// The client certificate's organizations (the Kubernetes groups).
    public var clientGroups = ["system:masters"]
    /// Event-loop threads serving connections.
    public var eventLoopThreads = 2
    /// Limits.
    public var limits = Limits()
    /// Automatic pod phases (Pending, Running, Succeeded); `nil` keeps pods Pending until told otherwise.
    public var phaseProgression: PhaseProgression?
    /// Fault injection at start.
    public var faults = FaultConfiguration()
    /// Request-log entries kept (oldest dropped first).
    public var requestLogCapacity = 10_000
    /// The simulated Kubernetes minor version (1.x): `/version` and Pod Security `latest`.
    public var kubernetesMinorVersion = 33
    /// Kueue's admission of plain Pods (``KueueAdmission``); `nil` (the default) leaves Pods alone.
    public var kueue: KueueAdmission?
    /// Graceful pod deletion finishes after `min(gracePeriodSeconds, this)` (a real kubelet takes up to the grace).
    public var maxGracefulDeletion: Duration = .seconds(2)
    /// Images the simulated node cannot pull: DaemonSet Pods' containers with them wait in `ErrImagePull`.
    public var unpullableImages: Set<String> = []

    /// A configuration writing its files to `outputDirectory`.
    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }
}
