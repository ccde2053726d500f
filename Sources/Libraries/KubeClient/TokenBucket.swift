/// The client-side rate limit as a pure state machine: a token bucket that refills at `rate` tokens per second up
/// to `burst`, and hands out reservations.
///
/// A reservation takes a token now even when the bucket is empty (the balance goes negative) and says when the
/// caller may go; so concurrent callers queue up in arrival order, spaced `1/rate` apart. A reservation that
/// would have to wait past the caller's limit is not taken at all.
struct TokenBucket: Sendable, Hashable {
    /// Tokens per second; 0 or less means unlimited.
    let rate: Double
    /// The bucket's capacity.
    let burst: Double
    /// The balance at ``updated`` (negative when reservations are queued).
    private(set) var tokens: Double
    /// The monotonic time of ``tokens``, in nanoseconds.
    private(set) var updated: UInt64

    /// A full bucket at `now`.
    init(rate: Double, burst: Int, now: UInt64) {
        self.rate = rate
        self.burst = Double(max(1, burst))
        tokens = self.burst
        updated = now
    }

    /// Takes one token. Returns the monotonic time (nanoseconds) at which the caller may send, or `nil` when that
    /// would be after `notAfter`; then nothing is taken.
    mutating func reserve(now: UInt64, notAfter: UInt64) -> UInt64? {
        guard rate > 0 else { return now }
        refill(now: now)
        let balance = tokens - 1
        guard balance < 0 else {
            tokens = balance
            return now
        }
        let waitNanoseconds = (-balance / rate * 1e9).rounded(.up)
        guard waitNanoseconds.isFinite, waitNanoseconds < Double(UInt64.max - now) else { return nil }
        let ready = now + UInt64(waitNanoseconds)
        guard ready <= notAfter else { return nil }
        tokens = balance
        return ready
    }

    private mutating func refill(now: UInt64) {
        guard now > updated else { return }
        let elapsed = Double(now - updated) / 1e9
        tokens = min(burst, tokens + elapsed * rate)
        updated = now
    }
}
