/// SHA-1 (FIPS 180-4), used only to build name-based UUIDs (RFC 9562 §5.5).
///
/// SHA-1 is not collision resistant; do not use it for security decisions.
public struct SHA1: Sendable {
    /// A 20-byte SHA-1 digest.
    public struct Digest: Sendable, Hashable, CustomStringConvertible {
        /// The 20 digest bytes.
        public let bytes: [UInt8]

        /// Lowercase hex, e.g. `a9993e364706816aba3e25717850c26c9cd0d89d`.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var text: [UInt8] = []
            text.reserveCapacity(40)
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: text, as: UTF8.self)
        }

        /// Same as ``hex``.
        public var description: String { hex }
    }

    private var h0: UInt32 = 0x6745_2301
    private var h1: UInt32 = 0xEFCD_AB89
    private var h2: UInt32 = 0x98BA_DCFE
    private var h3: UInt32 = 0x1032_5476
    private var h4: UInt32 = 0xC3D2_E1F0
    private var pending: [UInt8] = []  // fewer than 64 bytes awaiting a full block
    private var messageLength: UInt64 = 0  // in bytes

    /// Creates an empty hash state.
    public init() {
        pending.reserveCapacity(64)
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> Digest {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Feeds more message bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            pending.append(byte)
            messageLength &+= 1
            if pending.count == 64 {
                compress(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Feeds more message bytes, compressing whole 64-byte blocks straight from `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        var index = 0
        messageLength &+= UInt64(bytes.count)
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            index = take
            guard pending.count == 64 else { return }
            compress(pending)
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - index >= 64 {
            compress(bytes[index..<(index + 64)])
            index += 64
        }
        pending.append(contentsOf: bytes[index...])
    }

    /// Pads the message and returns the digest. The state is consumed.
    public consuming func finalize() -> Digest {
        let bitLength = messageLength &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var start = 0
        while start < tail.count {
            compress(tail[start..<(start + 64)])
            start += 64
        }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for word in [h0, h1, h2, h3, h4] {
            out.append(contentsOf: [
                UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16),
                UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word),
            ])
        }
        return Digest(bytes: out)
    }

    /// Processes one 64-byte block with a rolling 16-word message schedule.
    private mutating func compress(_ block: some RandomAccessCollection<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { schedule in
            compress(block, schedule: schedule)
        }
    }

    private mutating func compress(_ block: some RandomAccessCollection<UInt8>, schedule: UnsafeMutableBufferPointer<UInt32>) {
        var index = block.startIndex
        for word in 0..<16 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                value = value << 8 | UInt32(block[index])
                index = block.index(after: index)
            }
            schedule[word] = value
        }
        var a = h0
        var b = h1
        var c = h2
        var d = h3
        var e = h4
        for round in 0..<80 {
            let slot = round & 15
            if round >= 16 {
                let mixed = schedule[(round - 3) & 15] ^ schedule[(round - 8) & 15]
                    ^ schedule[(round - 14) & 15] ^ schedule[slot]
                schedule[slot] = mixed.rotatedLeft(by: 1)
            }
            let f: UInt32
            let k: UInt32
            switch round {
            case 0..<20:
                f = (b & c) | (~b & d)
                k = 0x5A82_7999
            case 20..<40:
                f = b ^ c ^ d
                k = 0x6ED9_EBA1
            case 40..<60:
                f = (b & c) | (b & d) | (c & d)
                k = 0x8F1B_BCDC
            default:
                f = b ^ c ^ d
                k = 0xCA62_C1D6
            }
            let temp = a.rotatedLeft(by: 5) &+ f &+ e &+ k &+ schedule[slot]
            e = d
            d = c
            c = b.rotatedLeft(by: 30)
            b = a
            a = temp
        }
        h0 &+= a
        h1 &+= b
        h2 &+= c
        h3 &+= d
        h4 &+= e
    }
}

extension UInt32 {
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 {
        (self << count) | (self >> (32 - count))
    }
}
