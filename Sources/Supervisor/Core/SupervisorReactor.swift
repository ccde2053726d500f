import Platform
import Platform

/// The supervisor's view of Platform's ``Reactor``: registrations by ``Token`` (what a descriptor belongs to)
/// instead of raw numbers. The supervisor's single event loop waits here and nowhere else.
final class SupervisorReactor {
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

    private let reactor: Reactor

    init() throws(SupervisorError) {
        do { reactor = try Reactor(capacity: 64) } catch { throw SupervisorError(error.description) }
    }

    func add(_ fd: Int32, _ token: Token, writable: Bool = false) throws(SupervisorError) {
        do { try reactor.add(fd, token: token.raw, interest: Self.interest(writable: writable)) } catch {
            throw SupervisorError(error.description)
        }
    }

    /// Changes what `fd` is watched for. `readable: false` stops read readiness (hang-ups and errors are always
    /// reported), for a connection that must not be read while its answer is written.
    func modify(_ fd: Int32, _ token: Token, readable: Bool = true, writable: Bool) {
        try? reactor.modify(fd, token: token.raw, interest: Self.interest(readable: readable, writable: writable))
    }

    func remove(_ fd: Int32) { reactor.remove(fd) }

    /// Waits up to `timeout` (nil = forever) and returns what became ready. EINTR returns no events.
    func wait(timeout: Duration?) -> [Event] {
        reactor.wait(timeout: timeout).compactMap { event in
            guard let token = Token(raw: event.token) else { return nil }
            // A hang-up or error is reported as readable too: the read finds out what happened.
            return Event(
                token: token, readable: event.readable || event.hangup, writable: event.writable,
                hangup: event.hangup)
        }
    }

    private static func interest(readable: Bool = true, writable: Bool) -> Reactor.Interest {
        var interest: Reactor.Interest = readable ? [.readable, .peerShutdown] : []
        if writable { interest.insert(.writable) }
        return interest
    }
}
