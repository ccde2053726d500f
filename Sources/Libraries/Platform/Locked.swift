import Glibc

/// A value behind a pthread mutex: `withLock` is the only way to it. The one lock of the product and the tools:
/// a thread that must wait for the value to change waits on the lock's condition variable (``wait(until:)``),
/// not on a mutex and condition of its own.
///
/// The standard library's `Synchronization.Mutex` would do, except that on Linux its lock and unlock live in the
/// uninstrumented runtime, so ThreadSanitizer sees none of the ordering it provides and reports every access it
/// protects as a race. `pthread_mutex_lock` is intercepted by the sanitizers, so with this lock a ThreadSanitizer
/// report means a real race.
///
/// The mutex and the condition live in their own allocations: passing a stored property `&inout` to
/// `pthread_mutex_lock` from several threads would be an overlapping Swift access (a runtime exclusivity trap)
/// while one of them waits for the lock.
public final class Locked<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// On CLOCK_MONOTONIC, so a timed wait is not moved by changes of the wall clock.
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    public init(_ state: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        self.state = state
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the state, holding the lock. Never call `withLock` of the same lock from inside `body`.
    public func withLock<Result, Failure: Error>(
        _ body: (inout State) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }

    /// Holding the lock, runs `body` until it returns a value, waiting for a ``signal()`` or ``broadcast()``
    /// before each retry.
    public func wait<Result>(until body: (inout State) -> Result?) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = body(&state) { return result }
            pthread_cond_wait(condition, mutex)
        }
    }

    /// As ``wait(until:)``, but gives up at `deadline`: returns what `body` returns on its last run then, `nil`
    /// included.
    public func wait<Result>(until body: (inout State) -> Result?, deadline: Instant) -> Result? {
        var end = timespec(
            tv_sec: Int(deadline.nanoseconds / 1_000_000_000), tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let result = body(&state) { return result }
            if pthread_cond_timedwait(condition, mutex, &end) == ETIMEDOUT { return body(&state) }
        }
    }

    /// Wakes one thread waiting in ``wait(until:)``.
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every thread waiting in ``wait(until:)``.
    public func broadcast() { pthread_cond_broadcast(condition) }
}
