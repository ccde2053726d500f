/// The simulator's model of kube-apiserver's API Priority and Fairness (APF) for one priority level: requests are
/// served at `rate` per second; those that cannot be served at once wait in a queue of `queueLength` requests;
/// a request that finds the queue full is rejected with `429 Too Many Requests`, `Retry-After: 1` and a `Status`
/// of reason `TooManyRequests`, as the API server does when a priority level's queues are full
/// (https://kubernetes.io/docs/concepts/cluster-administration/flow-control/, "Queuing" and "Good practices for
/// using API Priority and Fairness"; the 429 carries `Retry-After`).
///
/// The real server bounds concurrency (seats), not a rate; with a fixed service time that is the same thing, and a
/// rate is what a benchmark can compare a client's converged rate with.
struct PriorityAndFairness: Sendable, Hashable {
    /// Requests served per second.
    let rate: Double
    /// Requests that may wait for a seat; more are rejected.
    let queueLength: Int
    /// When the next request can be served (monotonic nanoseconds).
    private var nextFree: UInt64 = 0

    init(rate: Double, queueLength: Int) {
        self.rate = rate
        self.queueLength = max(0, queueLength)
    }

    /// What happens to a request arriving at `now`.
    enum Admission: Sendable, Hashable {
        /// Served after waiting `delay` nanoseconds in the queue (0 when a seat was free).
        case serve(delay: Int64)
        /// Rejected: 429 with `Retry-After: 1`.
        case reject
    }

    mutating func admit(now: UInt64) -> Admission {
        let interval = UInt64(1e9 / rate)
        let start = max(now, nextFree)
        guard start - now <= UInt64(queueLength) * interval else { return .reject }
        nextFree = start + interval
        return .serve(delay: Int64(start - now))
    }
}
