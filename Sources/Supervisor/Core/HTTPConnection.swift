import Platform
import HTTPWire
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
    /// Where it comes from, and when it was accepted relative to the others (lower is older).
    let peer: HTTPPeer
    let order: UInt64
    var phase: Phase = .reading
    var parser: HTTPRequestParser
    /// The serialized answer and how much of it is sent.
    var output: [UInt8] = []
    var sent = 0
    /// Set once the answer had to wait for the client to read (counted against ``HTTPAdmission/maxStalled``).
    var stalled = false
    /// Bytes thrown away while lingering.
    var discarded = 0
    /// When the current phase must be over; the connection is closed then.
    var deadline: Instant

    init(descriptor: Int32, peer: HTTPPeer, order: UInt64, maxRequestBytes: Int, deadline: Instant) {
        self.descriptor = descriptor
        self.peer = peer
        self.order = order
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

    /// What the admission policy sees of it.
    func holder(id: UInt32) -> HTTPAdmission.Holder {
        let standing: HTTPAdmission.Standing =
            switch phase {
            case .reading: .awaitingHead
            case .writing: .sending
            case .lingering: .lingering
            }
        return HTTPAdmission.Holder(id: id, peer: peer, order: order, standing: standing)
    }
}
