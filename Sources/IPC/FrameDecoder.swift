/// Cuts a byte stream into frames, incrementally and with a size limit.
///
/// Feed it whatever `read` returned with ``append(_:)``, then call ``next()`` until it returns `nil`.
/// The first error is final: the connection it came from must be closed.
public struct FrameDecoder {
    /// Frames announcing more than this many bytes after the length prefix are refused before they are read.
    public let maxFrameSize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxFrameSize: Int = IPCProtocol.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 && start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or `nil` if more bytes are needed.
    public mutating func next() throws(IPCError) -> Frame? {
        let available = buffer.count - start
        guard available >= IPCProtocol.lengthPrefixSize else { return nil }
        var length = 0
        for index in start..<start + 4 { length = length << 8 | Int(buffer[index]) }
        guard length >= IPCProtocol.headerSize else {
            throw IPCError(.runtFrame, "length \(length) is below the \(IPCProtocol.headerSize)-byte header")
        }
        guard length <= maxFrameSize else {
            throw IPCError(.oversizedFrame, "length \(length) exceeds the limit of \(maxFrameSize)")
        }
        // The version is checked as soon as it arrives, so a peer speaking another protocol is refused early.
        if available > IPCProtocol.lengthPrefixSize, buffer[start + 4] != IPCProtocol.version {
            throw IPCError(.wrongVersion, "version \(buffer[start + 4]), expected \(IPCProtocol.version)")
        }
        guard available >= IPCProtocol.lengthPrefixSize + length else { return nil }
        let type = buffer[start + 5]
        let payloadStart = start + IPCProtocol.lengthPrefixSize + IPCProtocol.headerSize
        let end = start + IPCProtocol.lengthPrefixSize + length
        start = end
        return Frame(type: type, payload: buffer[payloadStart..<end])
    }

    /// Call at end of stream: fails if a frame was cut off.
    public func finish() throws(IPCError) {
        if bufferedByteCount > 0 {
            throw IPCError(.truncatedStream, "\(bufferedByteCount) bytes of an unfinished frame")
        }
    }
}
