import Glibc

/// Starting and joining the simulator's own threads (pthreads: event loops never run on Swift's cooperative pool).
/// Public for the other in-process test doubles' threads (the chaos driver's).
public enum LoopThread {
    /// Holds the body across `pthread_create`.
    private final class Start: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts a thread running `body` with SIGPIPE blocked (a write to a closed socket then fails with EPIPE
    /// instead of killing the process).
    public static func spawn(_ body: @escaping @Sendable () -> Void) throws(SimulatorError) -> pthread_t {
        let start = Unmanaged.passRetained(Start(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { argument in
                guard let argument else { return nil }
                let start = Unmanaged<Start>.fromOpaque(argument).takeRetainedValue()
                var signals = sigset_t()
                sigemptyset(&signals)
                sigaddset(&signals, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &signals, nil)
                start.body()
                return nil
            }, start)
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(start).release()
            throw SimulatorError(.system, "pthread_create: \(String(cString: strerror(result)))")
        }
        return thread
    }

    /// Waits for a thread to end.
    public static func join(_ thread: pthread_t) {
        _ = pthread_join(thread, nil)
    }
}
