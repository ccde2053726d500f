/// SHA-1 (FIPS 180-4), used only to build name-based UUIDs (RFC 9562 §5.5).
///
/// SHA-1 is not collision resistant; do not use it for security decisions (``SHA256`` is for those).
public struct SHA1: Sendable {
    /// A 20-byte SHA-1 digest.
    public typealias Digest = HashDigest

    private var blocks = BlockHash<Compression>()

    /// Creates an empty hash state.
    public init() {}

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> Digest {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The digest of `bytes`. Callers in other modules get the generic form above unspecialized; this concrete
    /// one spares them that (a worker's instructions per create: 1.49 M through the generic form, 1.16 M).
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Feeds more message bytes.
    public mutating func update(_ bytes: some Sequence<UInt8>) { blocks.update(bytes) }

    /// Feeds more message bytes, compressing whole 64-byte blocks straight from `bytes`.
    public mutating func update(_ bytes: [UInt8]) { blocks.update(bytes) }

    /// Pads the message and returns the digest. The state is consumed.
    public consuming func finalize() -> Digest { blocks.finalize() }

    /// SHA-1's compression function (FIPS 180-4 §6.1.2) with a rolling 16-word message schedule.
    struct Compression: BlockCompression {
        private var h0: UInt32 = 0x6745_2301
        private var h1: UInt32 = 0xEFCD_AB89
        private var h2: UInt32 = 0x98BA_DCFE
        private var h3: UInt32 = 0x1032_5476
        private var h4: UInt32 = 0xC3D2_E1F0

        var words: [UInt32] { [h0, h1, h2, h3, h4] }

        mutating func compress(_ block: some RandomAccessCollection<UInt8>) {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { schedule in
                Self.load(block, into: schedule)
                compress(schedule: schedule)
            }
        }

        private mutating func compress(schedule: UnsafeMutableBufferPointer<UInt32>) {
            var a = h0
            var b = h1
            var c = h2
            var d = h3
            var e = h4
            for round in 0..<80 {
                let slot = round & 15
                if round >= 16 {
                    let mixed =
                        schedule[(round - 3) & 15] ^ schedule[(round - 8) & 15]
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
}
