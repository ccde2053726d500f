/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// `0 ... min(maxDelay, baseDelay * 2^(n-1))`. Full jitter spreads clients that failed together (a restarting
/// API server) instead of having them return in lockstep.
struct RetryBackoff: Sendable, Hashable {
    /// The range of the first retry.
    let baseDelay: Duration
    /// The cap of the range.
    let maxDelay: Duration

    /// The upper bound of the range for retry number `retry` (1 for the first retry).
    func ceiling(retry: Int) -> Duration {
        let base = max(0, baseDelay.saturatingNanoseconds)
        let cap = max(0, maxDelay.saturatingNanoseconds)
        let shift = min(max(0, retry - 1), 62)
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << shift)
        return .nanoseconds(overflow ? cap : min(cap, scaled))
    }

    /// A random delay for retry number `retry`, drawn from `generator`.
    func delay(retry: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(retry: retry).saturatingNanoseconds
        guard ceiling > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...ceiling, using: &generator))
    }
}
