import Platform

/// The client-side API rate limit a ``KubeClient`` waits on: a ``RateLimitState`` over words of this process
/// alone, or over the page a supervisor shares with all its workers (``shared(descriptor:)``), plus the blocking
/// wait. Thread-safe: the state is atomics.
public final class RateLimiter: Sendable {
    /// The state machine; its words are what `/metrics` reads.
    public let state: RateLimitState

    /// A limit for this process alone (a client used by a tool or a test, or a supervisor's own client).
    public init(mode: RateLimitMode, qps: Double, burst: Int) {
        state = RateLimitState.create(
            in: SharedWords.local(count: RateLimitPage.count), mode: mode, ceiling: qps, burst: burst)
    }

    /// A fresh page to share with child processes: its ``SharedWords/descriptor`` is what they inherit.
    public static func sharable(
        mode: RateLimitMode, qps: Double, burst: Int
    ) throws(SharedWords.Failure)
        -> RateLimiter
    {
        let words = try SharedWords.shared(count: RateLimitPage.count, name: "k8s-worker-api-rate")
        return RateLimiter(state: RateLimitState.create(in: words, mode: mode, ceiling: qps, burst: burst))
    }

    /// The page a parent created, on an inherited `descriptor`.
    public static func shared(descriptor: Int32) throws(SharedWords.Failure) -> RateLimiter {
        let words = try SharedWords.mapping(descriptor: descriptor, count: RateLimitPage.count)
        return RateLimiter(state: try RateLimitState(opening: words))
    }

    init(state: RateLimitState) {
        self.state = state
    }

    /// The descriptor of a sharable page, `nil` for a limit of this process alone.
    public var descriptor: Int32? { state.words.descriptor }

    /// Waits for a slot, blocking the calling thread. Returns how long it waited.
    ///
    /// - Throws: `.timeout` when the slot would only come after `deadline`; nothing is reserved then.
    func acquire(deadline: KubeDeadline, attempts: Int) throws(KubeAPIError) -> Duration {
        let now = Monotonic.nanoseconds()
        guard let ready = state.reserve(now: now, notAfter: deadline.uptimeNanoseconds) else {
            throw KubeAPIError.deadlineExceeded(
                "the client-side rate limit would delay the request past its deadline", attempts: attempts)
        }
        guard ready > now else { return .zero }
        state.recordWait(nanoseconds: ready - now)
        Monotonic.sleep(until: KubeDeadline(uptimeNanoseconds: ready))
        return .nanoseconds(Int64(clamping: ready - now))
    }

    /// Tells the limit what the server answered (see ``RateLimitState/answered(status:retryAfter:now:)``).
    func answered(status: Int, retryAfter: Duration?) {
        state.answered(status: status, retryAfter: retryAfter, now: Monotonic.nanoseconds())
    }

    /// The limit now.
    public var snapshot: RateLimitSnapshot { state.snapshot(now: Monotonic.nanoseconds()) }
}
