/// What SHA-1 and SHA-256 share (FIPS 180-4 §5.1.1, §6): the message is cut into 64-byte blocks, padded with
/// a 0x80 byte, zeros and its length in bits as a big-endian 64-bit number, and each block goes through the
/// hash's compression function. The digest is the final state words, big-endian.
struct BlockHash<Compression: BlockCompression>: Sendable {
    private var compression = Compression()
    private var pending: [UInt8] = []  // fewer than 64 bytes awaiting a full block
    private var messageLength: UInt64 = 0  // in bytes

    init() {
        pending.reserveCapacity(64)
    }

    /// Feeds more message bytes.
    mutating func update(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(contiguous: $0) }  // whole blocks at once
        if done != nil { return }
        for byte in bytes {
            pending.append(byte)
            messageLength &+= 1
            if pending.count == 64 {
                compression.compress(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Feeds more message bytes, compressing whole 64-byte blocks straight from `bytes`.
    mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { update(contiguous: $0) } }

    private mutating func update(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        messageLength &+= UInt64(bytes.count)
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            index = take
            guard pending.count == 64 else { return }
            compression.compress(pending)
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - index >= 64 {
            compression.compress(bytes[index..<(index + 64)])
            index += 64
        }
        pending.append(contentsOf: bytes[index...])
    }

    /// Pads the message and returns the digest. The state is consumed.
    consuming func finalize() -> HashDigest {
        let bitLength = messageLength &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var start = 0
        while start < tail.count {
            compression.compress(tail[start..<(start + 64)])
            start += 64
        }
        var out: [UInt8] = []
        out.reserveCapacity(compression.words.count * 4)
        for word in compression.words {
            out.append(contentsOf: [
                UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16),
                UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word),
            ])
        }
        return HashDigest(bytes: out)
    }
}

/// A FIPS 180-4 compression function over 64-byte blocks, holding the running hash value.
protocol BlockCompression: Sendable {
    /// The initial hash value.
    init()
    /// The hash value: after the last block, the digest's words.
    var words: [UInt32] { get }
    /// Processes one 64-byte block.
    mutating func compress(_ block: some RandomAccessCollection<UInt8>)
}

extension BlockCompression {
    /// Reads the 16 big-endian message words of `block` into `schedule[0..<16]`.
    static func load(_ block: some RandomAccessCollection<UInt8>, into schedule: UnsafeMutableBufferPointer<UInt32>) {
        var index = block.startIndex
        for word in 0..<16 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                value = value << 8 | UInt32(block[index])
                index = block.index(after: index)
            }
            schedule[word] = value
        }
    }
}

/// A hash digest: its bytes and their lowercase hex.
public struct HashDigest: Sendable, Hashable, CustomStringConvertible {
    /// The digest bytes (20 for SHA-1, 32 for SHA-256).
    public let bytes: [UInt8]

    /// Lowercase hex, two digits a byte, e.g. `a9993e364706816aba3e25717850c26c9cd0d89d`.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Same as ``hex``.
    public var description: String { hex }
}

extension UInt32 {
    func rotatedLeft(by count: UInt32) -> UInt32 {
        (self << count) | (self >> (32 - count))
    }

    func rotatedRight(by count: UInt32) -> UInt32 {
        (self >> count) | (self << (32 - count))
    }
}
