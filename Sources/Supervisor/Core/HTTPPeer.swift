import Glibc

/// The address a connection to the HTTP endpoint comes from, without its port: the unit of the per-peer
/// connection limit (see ``HTTPAdmission``). An IPv4 address reaching an IPv6 listener (`::ffff:a.b.c.d`) is
/// the same peer as that IPv4 address.
public struct HTTPPeer: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6).
    public let bytes: [UInt8]

    /// `bytes` must be 4 or 16 bytes long.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self.bytes = bytes
        case 16 where bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF:
            self.bytes = Array(bytes[12...])
        case 16: self.bytes = bytes
        default: return nil
        }
    }

    /// A numeric IPv4 or IPv6 address (`10.1.2.3`, `fd00::7`).
    public init?(_ text: String) {
        guard let bytes = ListenAddress.parse(text, ipv6: text.contains(":")) else { return nil }
        self.init(bytes: bytes)
    }

    /// The peer of connected socket `fd`, or `nil` when it has none any more (reset before it was looked at).
    static func of(_ fd: Int32) -> HTTPPeer? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    withUnsafeBytes(of: address.pointee.sin_addr) { HTTPPeer(bytes: Array($0)) }
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    withUnsafeBytes(of: address.pointee.sin6_addr) { HTTPPeer(bytes: Array($0)) }
                }
            }
        default:
            return nil
        }
    }

    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard bytes.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else {
            return "?"
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
