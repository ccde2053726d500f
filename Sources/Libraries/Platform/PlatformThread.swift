import Glibc

/// A plain POSIX thread, for loops that block (epoll, a metadata request) and must never run on Swift's
/// cooperative pool, which has one thread per core.
///
/// The thread starts with SIGPIPE blocked: a write to a closed socket then fails with EPIPE instead of killing
/// the process.
public struct PlatformThread: Sendable {
    /// Why a thread could not start: `pthread_create`'s error number.
    public struct StartError: Error, CustomStringConvertible {
        public let code: Int32
        public init(code: Int32) { self.code = code }
        public var description: String { "pthread_create: \(String(cString: strerror(code)))" }
    }

    /// Holds the body across `pthread_create`.
    private final class Start: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private let thread: pthread_t

    /// Starts a thread running `body`. Call ``join()`` or ``detach()`` exactly once.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(StartError) -> PlatformThread {
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
            throw StartError(code: result)
        }
        return PlatformThread(thread: thread)
    }

    /// Waits for the thread to end.
    public func join() {
        _ = pthread_join(thread, nil)
    }

    /// Lets the thread end on its own; its resources are released when it does.
    public func detach() {
        _ = pthread_detach(thread)
    }
}
