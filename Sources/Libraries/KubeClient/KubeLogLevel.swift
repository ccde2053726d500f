/// The severity of a ``KubeClient`` log line.
///
/// The client does not depend on a logging library: callers pass a ``KubeClientLogger`` closure and map it
/// to theirs (swift-log's `Logger` in the executables). Lines never contain credentials.
public enum KubeLogLevel: Int, Sendable, Hashable, Comparable {
    /// Per-request detail: retries, credential refreshes, throttling.
    case debug
    /// Noteworthy but expected: long client-side throttling, a rotated token.
    case info
    /// Something an operator should fix: `insecure-skip-tls-verify`, deprecation `Warning` headers.
    case warning
    /// A failure the client could not hide.
    case error

    /// Orders by severity.
    public static func < (lhs: KubeLogLevel, rhs: KubeLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Receives the client's log lines; called from the calling thread, so it must be cheap and thread-safe.
public typealias KubeClientLogger = @Sendable (KubeLogLevel, String) -> Void
