/// A thread's interruptible sleep: ``wait(for:)`` returns early when another thread calls ``wake()``, and a wake
/// that comes while nobody waits is kept for the next wait (so none is lost between two waits).
///
/// A ``Locked`` flag and its condition variable (on `CLOCK_MONOTONIC`), which the sanitizers see.
public final class Wakeup: Sendable {
    private let pending = Locked(false)

    public init() {}

    /// Wakes the waiter, or the next one to wait.
    public func wake() {
        pending.withLock { $0 = true }
        pending.signal()
    }

    /// Sleeps until woken or until `duration` has passed. Returns whether it was woken.
    @discardableResult
    public func wait(for duration: Duration) -> Bool {
        let deadline = Instant.now() + max(duration, .zero)
        let woken = pending.wait(
            until: { pending -> Bool? in
                guard pending else { return nil }
                pending = false
                return true
            }, deadline: deadline)
        return woken ?? false
    }
}
