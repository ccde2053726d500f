/// Name-based UUIDs, version 5 (RFC 9562 §5.5): SHA-1 over namespace bytes + name bytes.
///
/// Equal to Python's `uuid.uuid5(namespace, name)`.
public enum UUIDv5 {
    /// The version-5 UUID of `name` (UTF-8 encoded) in `namespace`.
    public static func make(namespace: UUID, name: String) -> UUID {
        make(namespace: namespace, name: Array(name.utf8))
    }

    /// The version-5 UUID of raw `name` bytes in `namespace`.
    public static func make(namespace: UUID, name: [UInt8]) -> UUID {
        var hasher = SHA1()
        hasher.update(namespace.bytes)
        hasher.update(name)
        var bytes = Array(hasher.finalize().bytes.prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant (10xx)
        return UUID(
            high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
            low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }
}
