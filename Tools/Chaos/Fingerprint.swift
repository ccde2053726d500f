/// FNV-1a fingerprints of event payloads, with and without their `timestamp` value.
enum Fingerprint {
    static func of(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static let timestampKey = Array(#""timestamp":""#.utf8)

    /// `bytes` with the value of the first top-level-looking `"timestamp":"…"` removed.
    static func maskingTimestamp(_ bytes: [UInt8]) -> [UInt8] {
        guard let start = firstRange(of: timestampKey, in: bytes) else { return bytes }
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        return Array(bytes[..<start]) + Array(bytes[end...])
    }

    /// The index just past the first occurrence of `needle`.
    private static func firstRange(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for index in 0...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index + needle.count }
        }
        return nil
    }
}
