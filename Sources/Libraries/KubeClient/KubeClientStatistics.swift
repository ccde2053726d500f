/// Counters of one ``KubeClient`` since it was created.
public struct KubeClientStatistics: Sendable, Hashable {
    /// Calls to ``KubeClient/send(_:deadline:)`` (the convenience methods included).
    public var requests = 0
    /// HTTP attempts made (requests plus retries, minus calls that failed before sending).
    public var attempts = 0
    /// Retries by cause: the HTTP status code as text (`"429"`, `"503"`, `"401"`) or `"transport"`.
    public var retries: [String: Int] = [:]
    /// Calls that ended with an error.
    public var failures = 0
    /// New TCP connections opened (the sum of `CURLINFO_NUM_CONNECTS` over all attempts).
    public var connectionsOpened = 0
    /// Attempts answered over HTTP/2 (`CURLINFO_HTTP_VERSION`; an attempt that failed before a response head
    /// arrived has no version).
    public var http2Responses = 0
    /// Attempts that had to wait for the client-side rate limit.
    public var throttledAttempts = 0
    /// The total time spent waiting for the client-side rate limit.
    public var throttledTime: Duration = .zero

    /// All zero.
    public init() {}

    /// The total number of retries.
    public var totalRetries: Int { retries.values.reduce(0, +) }
}
