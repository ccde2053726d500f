import Platform

/// One client connection's state, owned by its event loop (never touched by another thread).
final class Connection {
    enum State { case handshaking, open, closed }

    /// The socket.
    let descriptor: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor number.
    let serial: UInt32
    /// The TLS session.
    let session: TLSSession
    var state = State.handshaking
    /// Decrypted bytes not yet consumed by the parser.
    var input: [UInt8] = []
    var parser: HTTPMessageReader
    /// Encrypted-side output still to write.
    var output: [UInt8] = []
    var outputOffset = 0
    /// A request is waiting for its injected latency.
    var awaitingResponse = false
    /// Close once `output` is written.
    var closeAfterWrite = false
    /// The peer closed its side.
    var peerClosed = false
    /// `SSL_read` asked for writability.
    var readWantsWrite = false
    /// What the reactor currently watches it for.
    var interest: Reactor.Interest = [.readable, .peerShutdown]
    /// The verified client certificate's subject.
    var peer: (commonName: String, organizations: [String])?
    let acceptedAt: UInt64
    var lastActivity: UInt64
    /// When the first byte of an incomplete request arrived.
    var requestStartedAt: UInt64?

    init(descriptor: Int32, serial: UInt32, session: TLSSession, limits: HTTPMessageReader.Limits, now: UInt64) {
        self.descriptor = descriptor
        self.serial = serial
        self.session = session
        parser = HTTPMessageReader(limits: limits)
        acceptedAt = now
        lastActivity = now
    }

    /// The epoll token: serial in the high half, descriptor in the low half.
    var token: UInt64 { UInt64(serial) << 32 | UInt64(UInt32(bitPattern: descriptor)) }

    /// Whether the connection has nothing in flight.
    var isIdle: Bool { input.isEmpty && output.isEmpty && !awaitingResponse }
}
