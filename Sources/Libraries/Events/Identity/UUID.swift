/// A 128-bit UUID (RFC 9562), with text parsing and canonical lowercase formatting.
///
/// This is `Events.UUID`; code that also imports Foundation can spell it that way.
public struct UUID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The most significant 64 bits (bytes 0...7, big-endian).
    public let high: UInt64
    /// The least significant 64 bits (bytes 8...15, big-endian).
    public let low: UInt64

    /// Creates a UUID from its two big-endian halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates a UUID from exactly 16 bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        self.low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (or the same 32 hex digits without
    /// hyphens), in either case; `nil` for anything else.
    public init?(_ text: String) {
        let utf8 = Array(text.utf8)
        let hyphenated = utf8.count == 36
        guard hyphenated || utf8.count == 32 else { return nil }
        var value: [UInt8] = []
        value.reserveCapacity(32)
        for (position, byte) in utf8.enumerated() {
            if hyphenated && (position == 8 || position == 13 || position == 18 || position == 23) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = UUID.nibble(byte) else { return nil }
            value.append(nibble)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var index = 0
        while index < value.count {
            bytes.append(value[index] << 4 | value[index + 1])
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// The 16 bytes, big-endian.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * $0)) }
    }

    /// The version number (bits 48...51), e.g. 4 or 5.
    public var version: Int { Int((high >> 12) & 0xF) }

    /// Canonical lowercase text, e.g. `886313e1-3b8a-5372-9b90-0c9aee199e5d`.
    public var uuidString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Same as ``uuidString``.
    public var description: String { uuidString }

    /// Orders by the 128-bit big-endian value.
    public static func < (lhs: UUID, rhs: UUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// RFC 9562 namespace for fully qualified domain names.
    public static let namespaceDNS = UUID(high: 0x6ba7_b810_9dad_11d1, low: 0x80b4_00c0_4fd4_30c8)
    /// RFC 9562 namespace for URLs.
    public static let namespaceURL = UUID(high: 0x6ba7_b811_9dad_11d1, low: 0x80b4_00c0_4fd4_30c8)
    /// RFC 9562 namespace for ISO OIDs.
    public static let namespaceOID = UUID(high: 0x6ba7_b812_9dad_11d1, low: 0x80b4_00c0_4fd4_30c8)
    /// RFC 9562 namespace for X.500 distinguished names.
    public static let namespaceX500 = UUID(high: 0x6ba7_b814_9dad_11d1, low: 0x80b4_00c0_4fd4_30c8)

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
