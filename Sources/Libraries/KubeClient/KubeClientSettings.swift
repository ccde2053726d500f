import Events

/// Everything that configures a ``KubeClient``. Times are `Duration`s; nothing here is read from the environment.
public struct KubeClientSettings: Sendable, Hashable {
    /// Where the cluster and the credentials come from.
    public var source: KubeClusterSource
    /// The TCP connect plus TLS handshake budget of one attempt.
    public var connectTimeout: Duration = .seconds(5)
    /// The whole budget of one attempt (connect, send, wait, receive). A call's deadline caps it further.
    public var requestTimeout: Duration = .seconds(15)
    /// How the client-side rate limit behaves (``RateLimitMode``); a client given a shared ``RateLimiter``
    /// follows that limiter's page instead.
    public var rateLimit: RateLimitMode = .adaptive
    /// The rate limit's ceiling in requests per second (its rate in `fixed` mode), shared by every thread using
    /// the client and applied to retries too; 0 (or less) disables the limit. The server protects itself (429
    /// with Retry-After, API Priority and Fairness); this keeps one client's bursts and runaway loops in bounds.
    public var qps: Double = 50
    /// How many requests may go out at once before ``qps`` spacing applies.
    public var burst: Int = 100
    /// The first retry waits a random time in `0...retryBaseDelay`; each later one doubles the range.
    public var retryBaseDelay: Duration = .milliseconds(100)
    /// The cap of the doubling range.
    public var retryMaxDelay: Duration = .seconds(5)
    /// Attempts per call, the first included; a call also never outlives its deadline.
    public var maxAttempts: Int = 10
    /// The `User-Agent` header (the API server derives the default field manager from it).
    public var userAgent: String = "k8s-worker"
    /// What the verbs (`create`, `get`, `patch`, `delete`, `list`) keep of a response body: a caller that reads
    /// a few fields names them, and the rest is validated but not built (``JSONSelection``).
    public var responseSelection: JSONSelection = .all
    /// Response bodies larger than this fail the attempt, so a runaway list cannot exhaust memory.
    public var maxResponseBytes: Int = 16 * 1024 * 1024
    /// An `exec` credential plugin is killed when it runs longer than this (the call's deadline caps it too).
    public var execTimeout: Duration = .seconds(30)
    /// Connections the client's multi handle keeps open for reuse (`CURLMOPT_MAXCONNECTS`), and idle easy handles
    /// kept in the pool; more concurrent callers still get handles, released when returned to a full pool. Over
    /// HTTP/2 the calls share one connection whatever this is.
    public var maxIdleConnections: Int = 16

    /// Settings with the defaults above.
    public init(source: KubeClusterSource) {
        self.source = source
    }
}
