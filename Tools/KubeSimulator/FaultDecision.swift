/// What fault injection decided for one request.
struct FaultDecision: Sendable, Equatable {
    /// Latency to add before the request runs, in nanoseconds.
    var delayNanoseconds: Int64
    /// The fault to answer with instead of running the request, if any.
    var fault: FaultRule.Kind?
    /// `Retry-After` for a 429.
    var retryAfterSeconds: Int
    /// Whether the request runs before the fault replaces its response.
    var afterExecution = false
}
