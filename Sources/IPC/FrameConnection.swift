import Glibc

/// The supervisor's side of one worker socket: non-blocking reads into a ``FrameDecoder`` and an outbound
/// buffer that is flushed when the socket is writable.
///
/// Not thread-safe: it belongs to the supervisor's event loop.
public final class FrameConnection {
    /// The socket descriptor (owned: closed by ``close()``).
    public let descriptor: Int32
    private var decoder: FrameDecoder
    private var outbound: [UInt8] = []
    private var outboundStart = 0
    private var closed = false
    /// Reused for every read: allocating and zeroing a fresh chunk per wake-up costs more than the read itself.
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    /// Takes ownership of `descriptor` and makes it non-blocking.
    public init(descriptor: Int32, maxFrameSize: Int) {
        self.descriptor = descriptor
        self.decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    deinit { close() }

    /// Whether bytes are waiting to be written (the caller should watch for writability).
    public var hasPendingOutput: Bool { outboundStart < outbound.count }

    /// Queues a frame; call ``flush()`` to write it.
    public func enqueue(_ frame: [UInt8]) {
        if outboundStart == outbound.count {
            outbound.removeAll(keepingCapacity: true)
            outboundStart = 0
        }
        outbound.append(contentsOf: frame)
    }

    /// Writes as much queued output as the socket takes without blocking.
    public func flush() throws(IPCError) {
        while outboundStart < outbound.count {
            let written = outbound[outboundStart...].withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outboundStart += written
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                throw IPCError(.io, "send: \(String(cString: strerror(errno)))")
            }
        }
        if outboundStart == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.capacity <= 1 << 20)
            outboundStart = 0
        }
    }

    /// Reads what is available and returns the complete frames.
    ///
    /// - Returns: the frames, and whether the peer closed its end.
    /// - Throws: ``IPCError`` for a read error or a malformed stream; the connection must then be closed.
    public func receive() throws(IPCError) -> (frames: [Frame], endOfStream: Bool) {
        var frames: [Frame] = []
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                decoder.append(chunk[0..<count])
                while let frame = try decoder.next() { frames.append(frame) }
                if count < chunk.count { return (frames, false) }
            } else if count == 0 {
                try decoder.finish()
                return (frames, true)
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                return (frames, false)
            } else if errno == EINTR {
                continue
            } else {
                throw IPCError(.io, "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Closes the socket once; later calls do nothing.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }
}
