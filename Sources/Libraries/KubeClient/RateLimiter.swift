import Platform

/// The thread-safe client-side rate limiter: a ``TokenBucket`` behind a mutex, plus the blocking wait.
final class RateLimiter: Sendable {
    private let bucket: Locked<TokenBucket>
    /// Whether a limit is configured at all.
    let isEnabled: Bool

    init(qps: Double, burst: Int) {
        isEnabled = qps > 0 && qps.isFinite
        bucket = Locked(TokenBucket(rate: isEnabled ? qps : 0, burst: burst, now: Monotonic.nanoseconds()))
    }

    /// Waits for a token, blocking the calling thread. Returns how long it waited.
    ///
    /// - Throws: `.timeout` when the token would only be available after `deadline`; no token is taken then.
    func acquire(deadline: KubeDeadline, attempts: Int) throws(KubeAPIError) -> Duration {
        guard isEnabled else { return .zero }
        let now = Monotonic.nanoseconds()
        guard let ready = bucket.withLock({ $0.reserve(now: now, notAfter: deadline.uptimeNanoseconds) }) else {
            throw KubeAPIError.deadlineExceeded(
                "the client-side rate limit would delay the request past its deadline", attempts: attempts)
        }
        guard ready > now else { return .zero }
        Monotonic.sleep(until: KubeDeadline(uptimeNanoseconds: ready))
        return .nanoseconds(Int64(clamping: ready - now))
    }
}
