/// The retry decision after a failed attempt, as a pure function of what happened and where the call stands.
///
/// Retried: transport failures libcurl reports as connection trouble, 429 (after `Retry-After` when given),
/// 500, 502, 503 and 504, a 403 for an exceeded ResourceQuota; a 401 once when the credentials can rotate. Never
/// retried: other 4xx, certificate problems, anything once ``maxAttempts`` is reached; and when the wait would end
/// after the deadline, the call stops with ``Action/outOfTime``.
struct RetryPolicy: Sendable {
    /// What one failed attempt produced.
    enum Failure: Sendable, Hashable {
        /// A non-2xx response, with the wait it asked for (429/503 `Retry-After`).
        case status(Int, retryAfter: Duration?)
        /// No response; `retriable` as ``CurlFailure/isRetriable`` says.
        case transport(retriable: Bool)
        /// 403 for an exceeded ResourceQuota (``KubeAPIError/isQuotaExceeded``): it clears when Pods finish.
        case quotaExceeded
    }

    /// What the loop does next.
    enum Action: Sendable, Hashable {
        /// Refresh the credentials and try again at once (a 401 with rotating credentials).
        case refreshCredentials
        /// Sleep `delay`, then try again; `cause` labels the retry in the statistics (`"503"`, `"transport"`).
        case retry(after: Duration, cause: String)
        /// Throw the attempt's error.
        case giveUp
        /// Throw the attempt's error, marked ``KubeAPIError/endedByDeadline``: another attempt was due, but its wait
        /// would end after the call's deadline.
        case outOfTime
    }

    /// Status codes that are retried.
    static let retriedStatuses: Set<Int> = [429, 500, 502, 503, 504]

    /// Attempts per call, the first included.
    let maxAttempts: Int
    /// The wait between attempts when the server names none.
    let backoff: RetryBackoff
    /// Whether the credentials come from a token file or an exec plugin.
    let credentialsMayRotate: Bool

    /// Decides after attempt number `attempts`, which failed with `failure`.
    ///
    /// - Parameters:
    ///   - retries: backoff retries already made in this call (the 401 refresh is not one).
    ///   - refreshedAfter401: whether this call already refreshed its credentials.
    ///   - remaining: the time left until the call's deadline.
    func decide(
        _ failure: Failure, attempts: Int, retries: Int, refreshedAfter401: Bool, remaining: Duration,
        using generator: inout some RandomNumberGenerator
    ) -> Action {
        guard attempts < maxAttempts else { return .giveUp }
        let cause: String
        var requested: Duration? = nil
        switch failure {
        case .status(401, _):
            return credentialsMayRotate && !refreshedAfter401 ? .refreshCredentials : .giveUp
        case .status(let code, let retryAfter):
            guard Self.retriedStatuses.contains(code) else { return .giveUp }
            cause = String(code)
            requested = retryAfter
        case .transport(let retriable):
            guard retriable else { return .giveUp }
            cause = "transport"
        case .quotaExceeded:
            cause = "quota"
        }
        let delay = requested ?? backoff.delay(retry: retries + 1, using: &generator)
        return delay < remaining ? .retry(after: delay, cause: cause) : .outOfTime
    }
}
