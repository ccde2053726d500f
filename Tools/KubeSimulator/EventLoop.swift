import Glibc
import Platform

/// One epoll loop serving TLS connections accepted from the shared listening socket (registered with
/// `EPOLLEXCLUSIVE`, so one loop wakes per new connection and keeps it). Everything here runs on the loop's
/// thread; other threads reach it only through ``LoopControl``.
final class EventLoop {
    private static let listenerToken = UInt64.max
    private static let wakeToken = UInt64.max - 1

    private let reactor: Reactor
    private let listener: Descriptor
    private let control: LoopControl
    private let tls: TLSContext
    private let processor: RequestProcessor
    private let limits: SimulatorConfiguration.Limits
    private let parserLimits: HTTPMessageReader.Limits
    private let runsLifecycle: Bool
    private let housekeepingInterval: UInt64
    private var connections: [Int32: Connection] = [:]
    private var timers = TimerHeap()
    private var nextSerial: UInt32 = 1
    private var readBuffer = [UInt8](repeating: 0, count: 32 * 1024)
    private var lastHousekeeping: UInt64 = 0
    private var dateSecond = -1
    private var dateText = ""
    /// Set while the listener is unwatched because the process ran out of descriptors (EMFILE/ENFILE): a
    /// level-triggered listener would otherwise wake the loop continuously.
    private var listenerPausedUntil: UInt64?

    init(
        listener: Descriptor, control: LoopControl, tls: TLSContext, processor: RequestProcessor,
        limits: SimulatorConfiguration.Limits, runsLifecycle: Bool
    ) throws(SimulatorError) {
        do { reactor = try Reactor(capacity: 256) } catch { throw SimulatorError(.system, error.description) }
        self.listener = listener
        self.control = control
        self.tls = tls
        self.processor = processor
        self.limits = limits
        parserLimits = HTTPMessageReader.Limits(
            maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes,
            maxHeaderCount: limits.maxHeaderCount)
        self.runsLifecycle = runsLifecycle
        housekeepingInterval = UInt64(max(limits.housekeepingInterval.clampedNanoseconds, 1_000_000))
        try register(listener.fd, token: Self.listenerToken, interest: [.readable, .exclusive], add: true)
        try register(control.wakeRead.fd, token: Self.wakeToken, interest: .readable, add: true)
    }

    /// Serves until ``LoopControl/requestStop()``; then closes every connection.
    func run() {
        while !control.isStopping {
            let now = SimulatorClock.monotonicNanoseconds()
            var waitUntil = lastHousekeeping &+ housekeepingInterval
            if let due = timers.nextDue { waitUntil = min(waitUntil, due) }
            let timeout = waitUntil > now ? Int32(min((waitUntil - now + 999_999) / 1_000_000, 1000)) : 0
            reactor.wait(milliseconds: timeout) { dispatch($0) }
            let after = SimulatorClock.monotonicNanoseconds()
            fireTimers(after)
            if after &- lastHousekeeping >= housekeepingInterval {
                lastHousekeeping = after
                housekeeping(after)
            }
        }
        for connection in Array(connections.values) { close(connection, notifyPeer: true) }
        for entry in timers.drain() { processor.record(entry.pending, outcome: .drop) }
    }

    private func dispatch(_ event: Reactor.Event) {
        let token = event.token
        if token == Self.listenerToken {
            acceptConnections()
            return
        }
        if token == Self.wakeToken {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(control.wakeRead.fd, &sink, sink.count) > 0 {}
            return
        }
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: token))
        guard let connection = connections[fd], connection.serial == UInt32(truncatingIfNeeded: token >> 32) else {
            return
        }
        if event.hangup {
            // Both directions are gone (or the socket failed): nothing can be answered any more.
            close(connection, notifyPeer: false)
            return
        }
        handle(connection, readable: event.readable, writable: event.writable)
    }

    private func acceptConnections() {
        for _ in 0..<64 {
            let fd = Descriptors.acceptNonblocking(listener.fd)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno == EMFILE || errno == ENFILE { pauseListener() }
                return
            }
            processor.stats.accepted.add(1, ordering: .relaxed)
            guard connections.count < limits.maxConnectionsPerLoop else {
                Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            guard let session = try? TLSSession(context: tls, descriptor: fd, isServer: true) else {
                Glibc.close(fd)
                continue
            }
            nextSerial = nextSerial == UInt32.max ? 1 : nextSerial + 1
            let connection = Connection(
                descriptor: fd, serial: nextSerial, session: session, limits: parserLimits,
                now: SimulatorClock.monotonicNanoseconds())
            do {
                try register(fd, token: connection.token, interest: connection.interest, add: true)
            } catch {
                Glibc.close(fd)
                continue
            }
            connections[fd] = connection
            processor.stats.open.add(1, ordering: .relaxed)
        }
    }

    private func pauseListener() {
        guard listenerPausedUntil == nil else { return }
        reactor.remove(listener.fd)
        listenerPausedUntil = SimulatorClock.monotonicNanoseconds() &+ 200_000_000
    }

    private func handle(_ connection: Connection, readable: Bool, writable: Bool) {
        connection.lastActivity = SimulatorClock.monotonicNanoseconds()
        if connection.state == .handshaking {
            advanceHandshake(connection)
            guard connection.state == .open else { return }
        }
        if writable && !connection.output.isEmpty { flush(connection) }
        if readable || (writable && connection.readWantsWrite) { readAvailable(connection) }
        guard connection.state == .open else { return }
        process(connection)
        guard connection.state == .open else { return }
        if connection.peerClosed && !connection.awaitingResponse && connection.output.isEmpty {
            close(connection, notifyPeer: false)
            return
        }
        updateInterest(connection)
    }

    private func advanceHandshake(_ connection: Connection) {
        switch connection.session.handshake() {
        case .done:
            connection.state = .open
            connection.peer = connection.session.verifiedPeer
        case .wantRead:
            setInterest(connection, writable: false)
        case .wantWrite:
            setInterest(connection, writable: true)
        case .closed, .failed:
            processor.stats.handshakeFailures.add(1, ordering: .relaxed)
            close(connection, notifyPeer: false)
        }
    }

    private func readAvailable(_ connection: Connection) {
        connection.readWantsWrite = false
        let ceiling = limits.maxHeaderBytes + limits.maxBodyBytes + 64 * 1024
        while connection.state == .open && !connection.peerClosed {
            let progress = readBuffer.withUnsafeMutableBytes { connection.session.read(into: $0) }
            switch progress {
            case .done(let count):
                connection.input.append(contentsOf: readBuffer[0..<count])
                if connection.input.count > ceiling {
                    connection.input = []
                    respondWithError(
                        connection, status: 413, message: "Request entity too large: limit is \(limits.maxBodyBytes)")
                    return
                }
            case .wantRead:
                return
            case .wantWrite:
                connection.readWantsWrite = true
                return
            case .closed:
                connection.peerClosed = true
            case .failed:
                close(connection, notifyPeer: false)
            }
        }
    }

    /// Parses and serves buffered requests one at a time, in order (pipelining is answered sequentially).
    private func process(_ connection: Connection) {
        while connection.state == .open && !connection.awaitingResponse && connection.output.isEmpty
            && !connection.closeAfterWrite
        {
            let outcome: HTTPMessageReader.Outcome
            do {
                outcome = try connection.parser.parse(connection.input)
            } catch {
                respondWithError(connection, status: error.status, message: error.message)
                return
            }
            switch outcome {
            case .needMore:
                if connection.input.isEmpty {
                    connection.requestStartedAt = nil
                } else if connection.requestStartedAt == nil {
                    connection.requestStartedAt = SimulatorClock.monotonicNanoseconds()
                }
                return
            case .continueExpected:
                connection.output = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                connection.outputOffset = 0
                flush(connection)
                return
            case .request(let request, let consumed):
                connection.input.removeFirst(consumed)
                connection.requestStartedAt = nil
                let pending = processor.begin(request, peer: connection.peer)
                if pending.immediate == nil && pending.decision.delayNanoseconds > 0 {
                    connection.awaitingResponse = true
                    timers.push(
                        TimerHeap.Entry(
                            due: pending.arrivedMonotonic &+ UInt64(pending.decision.delayNanoseconds),
                            descriptor: connection.descriptor,
                            serial: connection.serial, pending: pending))
                    return
                }
                deliver(processor.finish(pending), for: request, on: connection)
            }
        }
    }

    private func deliver(_ outcome: RequestProcessor.Outcome, for request: HTTPRequest, on connection: Connection) {
        switch outcome {
        case .drop:
            close(connection, notifyPeer: false)
        case .truncate(let response):
            let bytes = response.serialized(date: httpDate(), close: true)
            connection.closeAfterWrite = true
            connection.output = Array(bytes.prefix(bytes.count - (response.body.count + 1) / 2))
            connection.outputOffset = 0
            flush(connection)
        case .respond(let response):
            let keepAlive = request.keepAlive && !connection.peerClosed && !control.isStopping
            connection.closeAfterWrite = !keepAlive
            connection.output = response.serialized(
                date: httpDate(), close: !keepAlive, headOnly: request.method == "HEAD")
            connection.outputOffset = 0
            flush(connection)
        }
    }

    private func respondWithError(_ connection: Connection, status: Int, message: String) {
        let reason =
            [400: "BadRequest", 413: "RequestEntityTooLarge", 408: "Timeout", 431: "RequestHeaderFieldsTooLarge"][
                status] ?? ""
        let response = APIStatus(code: status, reason: reason, message: message).response
        processor.recordProtocolError(status: status)
        connection.closeAfterWrite = true
        connection.output = response.serialized(date: httpDate(), close: true)
        connection.outputOffset = 0
        flush(connection)
    }

    private func flush(_ connection: Connection) {
        while connection.state == .open && connection.outputOffset < connection.output.count {
            let offset = connection.outputOffset
            let progress = connection.output.withUnsafeBytes { bytes in
                connection.session.write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            }
            switch progress {
            case .done(let count):
                connection.outputOffset += count
            case .wantWrite:
                setInterest(connection, writable: true)
                return
            case .wantRead:
                return
            case .closed, .failed:
                close(connection, notifyPeer: false)
                return
            }
        }
        guard connection.state == .open else { return }
        connection.output = []
        connection.outputOffset = 0
        connection.lastActivity = SimulatorClock.monotonicNanoseconds()
        setInterest(connection, writable: false)
        if connection.closeAfterWrite { close(connection, notifyPeer: true) }
    }

    private func fireTimers(_ now: UInt64) {
        while let entry = timers.popDue(now) {
            let outcome = processor.finish(entry.pending)
            guard let connection = connections[entry.descriptor], connection.serial == entry.serial,
                connection.state == .open
            else {
                continue
            }
            connection.awaitingResponse = false
            deliver(outcome, for: entry.pending.request, on: connection)
            guard connection.state == .open else { continue }
            process(connection)
            if connection.state == .open { updateInterest(connection) }
        }
    }

    /// Closes connections past their timeouts. `now` was read before this iteration's handlers and timers ran, so a
    /// connection's stamps may be later than it: every "how long since" saturates at zero.
    private func housekeeping(_ now: UInt64) {
        let idle = UInt64(limits.idleTimeout.clampedNanoseconds)
        let handshake = UInt64(limits.handshakeTimeout.clampedNanoseconds)
        let requestLimit = UInt64(limits.requestTimeout.clampedNanoseconds)
        for connection in Array(connections.values) {
            switch connection.state {
            case .handshaking where SimulatorClock.elapsed(from: connection.acceptedAt, to: now) > handshake:
                processor.stats.handshakeFailures.add(1, ordering: .relaxed)
                close(connection, notifyPeer: false)
            case .open where connection.isIdle && SimulatorClock.elapsed(from: connection.lastActivity, to: now) > idle:
                close(connection, notifyPeer: true)
            case .open
            where !connection.output.isEmpty && SimulatorClock.elapsed(from: connection.lastActivity, to: now) > idle:
                close(connection, notifyPeer: false)
            case .open:
                if let started = connection.requestStartedAt, !connection.awaitingResponse, connection.output.isEmpty,
                    SimulatorClock.elapsed(from: started, to: now) > requestLimit
                {
                    connection.input = []
                    respondWithError(connection, status: 408, message: "the request was not completed in time")
                }
            default:
                break
            }
        }
        if let until = listenerPausedUntil, now >= until {
            listenerPausedUntil = nil
            try? register(listener.fd, token: Self.listenerToken, interest: [.readable, .exclusive], add: true)
        }
        if runsLifecycle { processor.tick() }
    }

    private func updateInterest(_ connection: Connection) {
        setInterest(
            connection, writable: connection.readWantsWrite || connection.outputOffset < connection.output.count)
    }

    /// Watches for writability as asked, and for readability unless the peer has closed its side (a level-triggered
    /// EPOLLRDHUP would otherwise fire on every wait while a delayed response is pending).
    private func setInterest(_ connection: Connection, writable: Bool) {
        guard connection.state != .closed else { return }
        var interest: Reactor.Interest = connection.peerClosed ? [] : [.readable, .peerShutdown]
        if writable { interest.insert(.writable) }
        guard connection.interest != interest else { return }
        connection.interest = interest
        try? register(connection.descriptor, token: connection.token, interest: interest, add: false)
    }

    private func register(_ fd: Int32, token: UInt64, interest: Reactor.Interest, add: Bool) throws(SimulatorError) {
        do {
            if add {
                try reactor.add(fd, token: token, interest: interest)
            } else {
                try reactor.modify(fd, token: token, interest: interest)
            }
        } catch {
            throw SimulatorError(.system, "epoll_ctl: \(String(cString: strerror(error.code)))")
        }
    }

    private func close(_ connection: Connection, notifyPeer: Bool) {
        guard connection.state != .closed else { return }
        if notifyPeer && connection.state == .open { connection.session.shutdown() }
        connection.state = .closed
        reactor.remove(connection.descriptor)
        Glibc.close(connection.descriptor)
        connections[connection.descriptor] = nil
        processor.stats.open.subtract(1, ordering: .relaxed)
    }

    private func httpDate() -> String {
        let seconds = Int(SimulatorClock.wallMicroseconds() / 1_000_000)
        if seconds != dateSecond {
            dateSecond = seconds
            dateText = HTTPResponse.httpDate(epochSeconds: seconds)
        }
        return dateText
    }
}
