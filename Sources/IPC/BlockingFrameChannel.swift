import Glibc
import Platform

/// A worker's side of its socket: blocking reads on one thread, writes from any thread under a lock.
///
/// `@unchecked Sendable` because the only shared mutable state, the write path, is serialised by
/// `writeLock` (Platform's ``Locked``); reads happen on one thread at a time, which owns the decoder.
public final class BlockingFrameChannel: @unchecked Sendable {
    /// The socket descriptor (normally ``IPCProtocol/workerDescriptor``).
    public let descriptor: Int32
    private var decoder: FrameDecoder
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Frames sent so far. The count is what the lock guards besides the write itself: a lock over a zero-sized
    /// state (`Locked(())`) is reported by ThreadSanitizer as a race on the object, because the instrumented
    /// access to a zero-sized property is recorded at the object's own address, which other threads read.
    private let writeLock = Locked<UInt64>(0)

    public init(descriptor: Int32, maxFrameSize: Int = IPCProtocol.defaultMaxFrameSize) {
        self.descriptor = descriptor
        self.decoder = FrameDecoder(maxFrameSize: maxFrameSize)
    }

    /// Blocks until a frame arrives. Returns `nil` at a clean end of stream; throws ``IPCError/Code/interrupted``
    /// when a signal handler ran, so the caller can look at what the signal asked for. Call from one thread only.
    public func receive() throws(IPCError) -> Frame? {
        while true {
            if let frame = try decoder.next() { return frame }
            let count = readBuffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                decoder.append(readBuffer[0..<count])
            } else if count == 0 {
                try decoder.finish()
                return nil
            } else if errno == EINTR {
                throw IPCError(.interrupted, "recv")
            } else {
                throw IPCError(.io, "recv: \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Writes one whole frame, blocking until it is sent. Safe from any thread.
    public func send(_ frame: [UInt8]) throws(IPCError) {
        try writeLock.withLock { (sent: inout UInt64) throws(IPCError) in
            try sendLocked(frame)
            sent &+= 1
        }
    }

    /// The write itself; `writeLock` is held.
    private func sendLocked(_ frame: [UInt8]) throws(IPCError) {
        var offset = 0
        while offset < frame.count {
            let written = frame[offset...].withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                throw IPCError(.io, "send: \(String(cString: strerror(errno)))")
            }
        }
    }
}
