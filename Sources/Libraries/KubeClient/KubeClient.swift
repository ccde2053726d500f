import Events
import Platform

/// A thread-safe, blocking Kubernetes API client over libcurl.
///
/// Many threads may call at once. Each call checks an easy handle out of a small pool (so one handle is never
/// shared by two threads) and runs it through the client's one multi handle, whose connections stay alive
/// between calls; all handles share one `CURLSH` for the DNS and TLS session caches. HTTP/2 is used over TLS when
/// the server offers it, and then concurrent calls are streams of one connection (see ``CurlMulti``). Calls block the calling
/// thread (transfers, backoff sleeps, rate-limit waits, credential plugins): run them on dedicated threads,
/// never on Swift's cooperative pool.
///
/// Retries: transport failures (refused, reset, timed-out connections), 429 (honouring `Retry-After`), 500,
/// 502, 503 and 504 are retried with exponential backoff and full jitter, up to
/// ``KubeClientSettings/maxAttempts`` and never past the call's deadline. Writes are retried too, even when the
/// first attempt may have reached the server: a retried POST then gets 409 `AlreadyExists`, which callers
/// creating deterministically named objects treat as "check it is ours"; a retried DELETE gets 404. A 401 with
/// rotating credentials (token file, exec plugin) refreshes them once and tries again.
public final class KubeClient: Sendable {
    /// The loaded configuration.
    public let config: KubeClusterConfig
    /// The settings it was created with.
    public let settings: KubeClientSettings

    let pool: CurlHandlePool
    let limiter: RateLimiter
    let credentials: CredentialProvider
    let retryPolicy: RetryPolicy
    let logger: KubeClientLogger?
    private let counters = Locked(KubeClientStatistics())
    /// The URL every request path is appended to (the `tls-server-name` host when one is set).
    let baseURL: String

    /// A client for an already loaded configuration (`settings.source` is ignored). With `limiter` (a page
    /// shared with other processes) the client waits on that instead of a limit of its own from `settings`.
    public init(
        config: KubeClusterConfig, settings: KubeClientSettings, logger: KubeClientLogger? = nil,
        limiter: RateLimiter? = nil
    ) throws(KubeAPIError) {
        let server: ServerURL
        do {
            server = try ServerURL(config.server)
        } catch {
            throw KubeAPIError.configuration("\(config.origin): server \(error.text)")
        }
        self.config = config
        self.settings = settings
        self.logger = logger
        var connectTo: String? = nil
        if let name = config.tlsServerName {
            // Keep SNI and certificate verification on the configured name while connecting to the real host.
            connectTo = "\(name):\(server.port):\(ServerURL.bracketed(server.host)):\(server.port)"
            baseURL = server.base(host: name)
        } else {
            baseURL = server.base()
        }
        pool = try CurlHandlePool(
            transport: TransportSettings(
                caPEM: config.caPEM, insecureSkipTLSVerify: config.insecureSkipTLSVerify, connectTo: connectTo,
                proxyURL: config.proxyURL, disableCompression: config.disableCompression,
                userAgent: settings.userAgent, maxResponseBytes: max(1024, settings.maxResponseBytes)),
            maxIdle: settings.maxIdleConnections)
        self.limiter =
            limiter ?? RateLimiter(mode: settings.rateLimit, qps: settings.qps, burst: settings.burst)
        credentials = CredentialProvider(config: config, execTimeout: settings.execTimeout, logger: logger)
        retryPolicy = RetryPolicy(
            maxAttempts: settings.maxAttempts,
            backoff: RetryBackoff(baseDelay: settings.retryBaseDelay, maxDelay: settings.retryMaxDelay),
            credentialsMayRotate: credentials.mayRotate)
        for warning in config.warnings { logger?(.warning, warning) }
    }

    /// The default namespace from the kubeconfig context or the in-cluster namespace file.
    public var namespace: String? { config.namespace }

    /// The API server URL.
    public var server: String { config.server }

    /// The client-side rate limit as it stands.
    public var rateLimit: RateLimitSnapshot { limiter.snapshot }

    /// Counters since creation.
    public var statistics: KubeClientStatistics { counters.withLock { $0 } }

    /// Updates the counters.
    func record(_ update: (inout KubeClientStatistics) -> Void) {
        counters.withLock { update(&$0) }
    }
}
