import Observability

/// One accepted HTTP connection's state. It lives through three phases, each under its own deadline:
/// reading the request head, writing the answer, then a short linger that discards whatever the client still
/// sends until it closes (so the answer is not cut off by a reset).
struct HTTPConnection {
    enum Phase: Equatable {
        case reading
        case writing
        case lingering
    }

    let descriptor: Int32
    var phase: Phase = .reading
    var parser: HTTPRequestParser
    /// The serialized answer and how much of it is sent.
    var output: [UInt8] = []
    var sent = 0
    /// Bytes thrown away while lingering.
    var discarded = 0
    /// When the current phase must be over; the connection is closed then.
    var deadline: Instant

    init(descriptor: Int32, maxRequestBytes: Int, deadline: Instant) {
        self.descriptor = descriptor
        self.parser = HTTPRequestParser(maxBytes: maxRequestBytes)
        self.deadline = deadline
    }

    /// Switches to writing `bytes`.
    mutating func answer(_ bytes: [UInt8], deadline: Instant) {
        phase = .writing
        output = bytes
        sent = 0
        self.deadline = deadline
    }

    var hasUnsentOutput: Bool { sent < output.count }
}
