internal import CLinux
import Glibc
import Platform

/// A thin epoll wrapper: the supervisor's single event loop waits here and nowhere else.
final class Reactor {
    /// What a ready descriptor belongs to.
    enum Token: Hashable {
        case signals
        case source
        case worker(WorkerID)
        /// The HTTP endpoint's listening socket.
        case httpListener
        /// One HTTP connection, by the server's connection number.
        case http(UInt32)

        var raw: UInt64 {
            switch self {
            case .signals: 1 << 32
            case .source: 2 << 32
            case .worker(let id): 3 << 32 | UInt64(id.rawValue)
            case .httpListener: 4 << 32
            case .http(let id): 5 << 32 | UInt64(id)
            }
        }

        init?(raw: UInt64) {
            switch raw >> 32 {
            case 1: self = .signals
            case 2: self = .source
            case 3: self = .worker(WorkerID(UInt32(truncatingIfNeeded: raw)))
            case 4: self = .httpListener
            case 5: self = .http(UInt32(truncatingIfNeeded: raw))
            default: return nil
            }
        }
    }

    /// One readiness report.
    struct Event {
        var token: Token
        var readable: Bool
        var writable: Bool
        var hangup: Bool
    }

    private let descriptor: Int32
    private var buffer = [epoll_event](repeating: epoll_event(), count: 64)

    init() throws(SupervisorError) {
        descriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard descriptor >= 0 else { throw SupervisorError.system("epoll_create1") }
    }

    deinit { close(descriptor) }

    func add(_ fd: Int32, _ token: Token, writable: Bool = false) throws(SupervisorError) {
        var event = Self.event(token, writable: writable)
        guard epoll_ctl(descriptor, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw SupervisorError.system("epoll_ctl add")
        }
    }

    /// Changes what `fd` is watched for. `readable: false` stops read readiness (hang-ups and errors are always
    /// reported), for a connection that must not be read while its answer is written.
    func modify(_ fd: Int32, _ token: Token, readable: Bool = true, writable: Bool) {
        var event = Self.event(token, readable: readable, writable: writable)
        _ = epoll_ctl(descriptor, EPOLL_CTL_MOD, fd, &event)
    }

    func remove(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(descriptor, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeout` (nil = forever) and returns what became ready. EINTR returns no events.
    func wait(timeout: Duration?) -> [Event] {
        let milliseconds = timeout.map { $0.millisecondsForPoll } ?? -1
        let count = epoll_wait(descriptor, &buffer, Int32(buffer.count), milliseconds)
        guard count > 0 else { return [] }
        return buffer[0..<Int(count)].compactMap { event in
            guard let token = Token(raw: event.data.u64) else { return nil }
            let flags = event.events
            return Event(
                token: token,
                readable: flags & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0,
                writable: flags & EPOLLOUT.rawValue != 0,
                hangup: flags & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0)
        }
    }

    private static func event(_ token: Token, readable: Bool = true, writable: Bool) -> epoll_event {
        var event = epoll_event()
        event.events = (readable ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0) | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token.raw
        return event
    }
}
