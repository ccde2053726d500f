internal import CLinux
import Glibc

/// An epoll instance, level-triggered: the one reactor of the product and the tools. The supervisor's event loop
/// and each of the simulator's loop threads wait in one of these and nowhere else.
///
/// Descriptors are registered with a 64-bit token of the caller's choosing; a readiness report carries the token
/// back. Not thread-safe: one thread owns a reactor (`epoll_ctl` from elsewhere would be safe for the kernel, but
/// the callers keep their connection tables on the owning thread anyway).
public final class Reactor {
    /// What a descriptor is watched for. Hang-ups and errors are always reported.
    public struct Interest: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Input is available (`EPOLLIN`).
        public static let readable = Interest(rawValue: EPOLLIN.rawValue)
        /// The peer shut down its writing side (`EPOLLRDHUP`).
        public static let peerShutdown = Interest(rawValue: EPOLLRDHUP.rawValue)
        /// Output would not block (`EPOLLOUT`).
        public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
        /// One of several reactors watching the same descriptor (a shared listening socket) wakes per event
        /// (`EPOLLEXCLUSIVE`; only when adding).
        public static let exclusive = Interest(rawValue: EPOLLEXCLUSIVE.rawValue)
    }

    /// One readiness report.
    public struct Event: Sendable {
        /// The token the descriptor was registered with.
        public var token: UInt64
        /// Input, or the peer's shutdown of its side (`EPOLLIN`, `EPOLLRDHUP`).
        public var readable: Bool
        /// `EPOLLOUT`.
        public var writable: Bool
        /// Both directions are gone or the descriptor failed (`EPOLLHUP`, `EPOLLERR`).
        public var hangup: Bool
    }

    /// A failed epoll call and its errno.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var call: String
        public var code: Int32
        public var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    private let descriptor: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int

    /// A new epoll instance (close-on-exec) reporting at most `capacity` events per wait.
    public init(capacity: Int = 64) throws(Failure) {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard descriptor >= 0 else { throw Failure(call: "epoll_create1", code: errno) }
        self.capacity = max(1, capacity)
        events = .allocate(capacity: self.capacity)
        events.initialize(repeating: epoll_event(), count: self.capacity)
    }

    deinit {
        close(descriptor)
        events.deinitialize(count: capacity)
        events.deallocate()
    }

    /// Starts watching `fd`.
    public func add(_ fd: Int32, token: UInt64, interest: Interest) throws(Failure) {
        try control(EPOLL_CTL_ADD, fd, token: token, interest: interest, call: "epoll_ctl add")
    }

    /// Changes what `fd` is watched for.
    public func modify(_ fd: Int32, token: UInt64, interest: Interest) throws(Failure) {
        try control(EPOLL_CTL_MOD, fd, token: token, interest: interest, call: "epoll_ctl mod")
    }

    /// Stops watching `fd` (closing it does too, once no other descriptor refers to the file).
    public func remove(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `milliseconds` (-1: forever) and hands each report to `body`, in the kernel's order. Returns
    /// how many there were; a signal (EINTR) or an error returns none.
    @discardableResult
    public func wait(milliseconds: Int32, _ body: (Event) -> Void) -> Int {
        let count = epoll_wait(descriptor, events, Int32(capacity), milliseconds)
        guard count > 0 else { return 0 }
        for index in 0..<Int(count) {
            let flags = events[index].events
            body(
                Event(
                    token: events[index].data.u64,
                    readable: flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0,
                    writable: flags & EPOLLOUT.rawValue != 0,
                    hangup: flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0))
        }
        return Int(count)
    }

    /// Waits up to `timeout` (nil: forever) and returns what became ready.
    public func wait(timeout: Duration?) -> [Event] {
        var ready: [Event] = []
        wait(milliseconds: timeout.map { $0.millisecondsForPoll } ?? -1) { ready.append($0) }
        return ready
    }

    private func control(
        _ operation: Int32, _ fd: Int32, token: UInt64, interest: Interest, call: String
    )
        throws(Failure)
    {
        var event = epoll_event()
        event.events = interest.rawValue
        event.data.u64 = token
        guard epoll_ctl(descriptor, operation, fd, &event) == 0 else { throw Failure(call: call, code: errno) }
    }
}
