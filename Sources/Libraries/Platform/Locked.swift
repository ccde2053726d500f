import Glibc

/// A value behind a pthread mutex: `withLock` is the only way to it.
///
/// The standard library's `Synchronization.Mutex` would do, except that on Linux its lock and unlock live in the
/// uninstrumented runtime, so ThreadSanitizer sees none of the ordering it provides and reports every access it
/// protects as a race. `pthread_mutex_lock` is intercepted by the sanitizers, so with this lock a ThreadSanitizer
/// report means a real race.
public final class Locked<State>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    public init(_ state: State) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        self.state = state
    }

    deinit {
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
}
