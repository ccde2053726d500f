import Glibc
import Platform
import HTTPWire
import Observability

/// A minimal HTTP/1.1 server on the supervisor's event loop, for `/metrics`, `/healthz` and `/readyz`.
///
/// Everything is non-blocking and bounded: at most ``HTTPAdmission/maxConnections`` connections, shared out
/// by ``HTTPAdmission`` (a new connection evicts the oldest one still waiting for its request head, one peer
/// address holds at most ``HTTPAdmission/maxPerPeer``, stalled answers never take the reserved slots), a
/// request head of at most ``Limits/maxRequestBytes`` that must arrive within ``Limits/requestTimeout`` of the
/// connection, one request per connection (`Connection: close`), the answer written within
/// ``Limits/responseTimeout``. A new connection is read at once, so a request that arrived with it is answered
/// before anything else is accepted. Requests are answered by the caller's `respond` closure on the loop
/// itself, from the supervisor's own state.
final class HTTPServer {
    struct Limits {
        var admission = HTTPAdmission()
        var maxRequestBytes = HTTPRequestParser.defaultMaxBytes
        var requestTimeout: Duration = .seconds(5)
        var responseTimeout: Duration = .seconds(10)
        var lingerTimeout: Duration = .seconds(1)
        /// Bytes discarded while lingering before the connection is closed anyway.
        var maxDiscardBytes = 64 * 1024
    }

    let limits: Limits
    /// The address actually bound (with the kernel's port when port 0 was asked for).
    let boundAddress: String
    private let listener: Int32
    private let reactor: SupervisorReactor
    private var connections: [UInt32: HTTPConnection] = [:]
    private var nextID: UInt32 = 1
    /// Accept order of the next connection.
    private var nextOrder: UInt64 = 0
    /// Set when accepting failed for lack of descriptors: the listener is unwatched until then.
    private var acceptPausedUntil: Instant?
    /// Connections refused with 503 (see ``HTTPAdmission``).
    private(set) var refusedConnections = 0
    /// Connections closed before their exchange was over, by reason.
    private(set) var cutConnections: [HTTPAdmission.Cut: Int] = [:]

    init(address: ListenAddress, reactor: SupervisorReactor, limits: Limits = Limits()) throws(SupervisorError) {
        self.limits = limits
        self.reactor = reactor
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SupervisorError.system("socket for metrics.listen \(address)") }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Self.bind(fd, address), listen(fd, 64) == 0 else {
            let error = SupervisorError.system("bind/listen metrics.listen \(address)")
            Glibc.close(fd)
            throw error
        }
        listener = fd
        boundAddress = Self.localAddress(fd, ipv6: address.isIPv6) ?? address.description
        do {
            try reactor.add(fd, .httpListener)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Open connections.
    var connectionCount: Int { connections.count }

    /// When ``expire(now:)`` must next run.
    var nextDeadline: Instant? {
        let earliest = connections.values.map(\.deadline).min()
        guard let paused = acceptPausedUntil else { return earliest }
        return earliest.map { min($0, paused) } ?? paused
    }

    /// Accepts pending connections and reads each at once; `respond` answers a request that is already
    /// complete (see ``handle(_:now:respond:)``). A batch is half the slots at most, so a burst of other peers'
    /// connections accepted with one whose head is a moment late cannot push it out before its socket is read.
    func acceptAll(now: Instant, respond: (HTTPRequest) -> HTTPResponse) {
        for _ in 0..<max(1, limits.admission.maxConnections / 2) {
            let fd = Descriptors.acceptNonblocking(listener)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // The listener would stay readable and spin the loop: stop watching it for a moment.
                    reactor.remove(listener)
                    acceptPausedUntil = now + .milliseconds(250)
                    return
                default:
                    return  // EAGAIN: nothing more to accept
                }
            }
            guard let peer = HTTPPeer.of(fd) else {
                Glibc.close(fd)
                continue
            }
            switch limits.admission.admit(from: peer, holders: connections.map { $0.value.holder(id: $0.key) }) {
            case .admit:
                break
            case .evict(let victim, let reason):
                cut(victim, reason)
            case .refuse:
                refusedConnections += 1
                let busy = HTTPResponse.text(503, "too many connections").serialized()
                _ = busy.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                Glibc.close(fd)
                continue
            }
            let id = allocateID()
            do {
                try reactor.add(fd, .http(id))
            } catch {
                Glibc.close(fd)
                continue
            }
            connections[id] = HTTPConnection(
                descriptor: fd, peer: peer, order: nextOrder, maxRequestBytes: limits.maxRequestBytes,
                deadline: now + limits.requestTimeout)
            nextOrder += 1
            handle(id, now: now, respond: respond)
        }
    }

    /// Progresses connection `id` after a readiness report. `respond` answers a complete request; `HEAD`
    /// answers carry no body.
    func handle(_ id: UInt32, now: Instant, respond: (HTTPRequest) -> HTTPResponse) {
        guard var connection = connections[id] else { return }
        switch connection.phase {
        case .reading:
            guard let result = read(&connection) else { return closeConnection(id) }
            switch result {
            case .incomplete:
                connections[id] = connection
                return
            case .complete(let request):
                connection.answer(
                    respond(request).serialized(includeBody: request.method != "HEAD"),
                    deadline: now + limits.responseTimeout)
            case .invalid(let status, let reason):
                connection.answer(
                    HTTPResponse.text(status, reason).serialized(), deadline: now + limits.responseTimeout)
            }
            connections[id] = connection
            write(id, now: now)
        case .writing:
            write(id, now: now)
        case .lingering:
            linger(id)
        }
    }

    /// Closes every connection whose phase outlived its deadline, and resumes accepting after a pause.
    func expire(now: Instant) {
        if let paused = acceptPausedUntil, now >= paused {
            acceptPausedUntil = nil
            do { try reactor.add(listener, .httpListener) } catch { acceptPausedUntil = now + .seconds(1) }
        }
        for (id, connection) in connections where connection.deadline <= now {
            switch connection.phase {
            case .reading: cut(id, .headTimeout)
            case .writing: cut(id, .answerStalled)
            case .lingering: closeConnection(id)
            }
        }
    }

    /// Closes the listener and every connection.
    func close() {
        for id in Array(connections.keys) { closeConnection(id) }
        if acceptPausedUntil == nil { reactor.remove(listener) }
        Glibc.close(listener)
    }

    /// What one non-blocking `read`/`send` did.
    private enum Transfer {
        case bytes(Int)
        case wouldBlock
        /// End of stream, or an error: the connection is over.
        case ended
    }

    /// Runs `call` (a `read` or `send` returning a byte count) until it is not interrupted.
    private static func transfer(_ call: () -> Int) -> Transfer {
        while true {
            let count = call()
            if count > 0 { return .bytes(count) }
            if count < 0 && errno == EINTR { continue }
            return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? .wouldBlock : .ended
        }
    }

    private static func read(_ fd: Int32, into chunk: inout [UInt8]) -> Transfer {
        transfer { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
    }

    /// Reads what is available into the parser. `nil` when the connection ended or failed before a complete
    /// request head.
    private func read(_ connection: inout HTTPConnection) -> HTTPRequestParser.Result? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        // Bounded: the parser takes at most maxRequestBytes, so this ends within a few rounds.
        for _ in 0...(limits.maxRequestBytes / chunk.count + 1) {
            switch Self.read(connection.descriptor, into: &chunk) {
            case .bytes(let count):
                let result = connection.parser.append(chunk[0..<count])
                if result != .incomplete { return result }
            case .wouldBlock:
                return .incomplete
            case .ended:
                return nil
            }
        }
        return .incomplete
    }

    /// Sends what the socket takes; once all is sent, half-closes and lingers.
    private func write(_ id: UInt32, now: Instant) {
        guard var connection = connections[id] else { return }
        while connection.hasUnsentOutput {
            let sent = Self.transfer {
                connection.output[connection.sent...].withUnsafeBytes {
                    send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
            }
            switch sent {
            case .bytes(let count):
                connection.sent += count
            case .wouldBlock:
                if !connection.stalled {
                    guard limits.admission.mayStall(whileStalled: connections.values.count(where: \.stalled)) else {
                        return cut(id, .answerStalled)
                    }
                    connection.stalled = true
                }
                connections[id] = connection
                reactor.modify(connection.descriptor, .http(id), readable: false, writable: true)
                return
            case .ended:
                return closeConnection(id)
            }
        }
        _ = shutdown(connection.descriptor, Int32(SHUT_WR))
        connection.phase = .lingering
        connection.output = []
        connection.deadline = now + limits.lingerTimeout
        connections[id] = connection
        reactor.modify(connection.descriptor, .http(id), readable: true, writable: false)
    }

    /// Discards what the client still sends; closes at its end of stream, on error, or past the discard limit.
    private func linger(_ id: UInt32) {
        guard var connection = connections[id] else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while connection.discarded < limits.maxDiscardBytes {
            switch Self.read(connection.descriptor, into: &chunk) {
            case .bytes(let count):
                connection.discarded += count
            case .wouldBlock:
                connections[id] = connection
                return
            case .ended:
                return closeConnection(id)
            }
        }
        closeConnection(id)
    }

    /// Closes `id` before its exchange is over and counts why.
    private func cut(_ id: UInt32, _ reason: HTTPAdmission.Cut) {
        guard connections[id] != nil else { return }
        cutConnections[reason, default: 0] += 1
        closeConnection(id)
    }

    private func closeConnection(_ id: UInt32) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        reactor.remove(connection.descriptor)
        Glibc.close(connection.descriptor)
    }

    private func allocateID() -> UInt32 {
        while connections[nextID] != nil || nextID == 0 { nextID &+= 1 }
        defer { nextID &+= 1 }
        return nextID
    }

    private static func bind(_ fd: Int32, _ address: ListenAddress) -> Bool {
        guard let bytes = ListenAddress.parse(address.host, ipv6: address.isIPv6) else { return false }
        if address.isIPv6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
                }
            }
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = address.port.bigEndian
        withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The bound address as `host:port` (`[host]:port` for IPv6).
    private static func localAddress(_ fd: Int32, ipv6: Bool) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if ipv6 {
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                    return "[\(Self.string(text))]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
        }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                var raw = address.pointee.sin_addr
                guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { return nil }
                return "\(Self.string(text)):\(UInt16(bigEndian: address.pointee.sin_port))"
            }
        }
    }

    private static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
