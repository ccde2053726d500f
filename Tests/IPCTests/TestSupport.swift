import Glibc
import Platform
import IPC
import Testing

/// Every randomized test draws from a seeded SplitMix64, so it replays exactly.
typealias SeededGenerator = SplitMix64

extension SeededGenerator {
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) } }
}

/// Feeds `stream` to a fresh decoder in the given chunk sizes, draining frames after every append.
func decodeAll(
    _ stream: [UInt8], chunks sizes: [Int], maxFrameSize: Int = IPCProtocol.defaultMaxFrameSize
)
    throws(IPCError) -> [Frame]
{
    var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
    var frames: [Frame] = []
    var offset = 0
    var sizeIndex = 0
    while offset < stream.count {
        let size = max(1, sizes.isEmpty ? stream.count : sizes[sizeIndex % sizes.count])
        sizeIndex += 1
        let end = min(stream.count, offset + size)
        decoder.append(stream[offset..<end])
        offset = end
        while let frame = try decoder.next() { frames.append(frame) }
    }
    try decoder.finish()
    return frames
}

/// Encodes a frame from its decoded parts (the inverse of ``FrameDecoder/next()`` for frames of this build's version).
func reencode(_ frame: Frame) -> [UInt8] { Frame.encode(type: frame.type, payload: Array(frame.payload)) }

/// Big-endian length prefix for hand-made frames.
func lengthPrefix(_ length: UInt32) -> [UInt8] {
    [
        UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
        UInt8(truncatingIfNeeded: length),
    ]
}

/// A hand-made frame with a raw type byte and raw payload bytes.
func rawFrame(type: UInt8, payload: [UInt8]) -> Frame { Frame(type: type, payload: payload[...]) }

/// Waits for `events` on `descriptor` with a deadline (not a sleep: returns as soon as the socket is ready).
@discardableResult
func waitFor(_ descriptor: Int32, _ events: Int32, milliseconds: Int32 = 10_000) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(events), revents: 0)
    while true {
        let rc = poll(&entry, 1, milliseconds)
        if rc < 0 && errno == EINTR { continue }
        return rc > 0
    }
}

/// A value written by one thread and read by another after ``BackgroundThread/join()``.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// A plain pthread for blocking work (the worker side of a socket), so blocking calls never run on the
/// cooperative pool: Platform's thread primitive, joined at most once.
final class BackgroundThread: @unchecked Sendable {
    private let thread: PlatformThread
    private var joined = false

    init(_ body: @escaping @Sendable () -> Void) {
        do { thread = try PlatformThread.start(body) } catch { preconditionFailure("\(error)") }
    }

    func join() {
        guard !joined else { return }
        joined = true
        thread.join()
    }
}

/// Reads from a ``FrameConnection`` until `done` says so, the stream ends, or the deadline passes.
/// Returns the frames and whether end of stream was seen; rethrows protocol errors.
func receiveFrames(
    _ connection: FrameConnection, milliseconds: Int32 = 10_000, until done: ([Frame]) -> Bool = { _ in false }
) throws(IPCError) -> (frames: [Frame], endOfStream: Bool) {
    var frames: [Frame] = []
    while !done(frames) {
        guard waitFor(connection.descriptor, Int32(POLLIN), milliseconds: milliseconds) else { break }
        let (batch, ended) = try connection.receive()
        frames += batch
        if ended { return (frames, true) }
    }
    return (frames, false)
}
