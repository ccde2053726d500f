import Glibc

/// A numeric address to listen on: `a.b.c.d:port` or `[v6-address]:port`. Port 0 lets the kernel choose.
/// Host names are not resolved: the address is used exactly as written, so it cannot change between runs.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    /// The address without brackets.
    public var host: String
    public var port: UInt16
    public var isIPv6: Bool

    public init?(_ text: String) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            isIPv6 = true
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            isIPv6 = false
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText) else {
            return nil
        }
        self.host = String(host)
        self.port = port
        guard Self.parse(self.host, ipv6: isIPv6) != nil else { return nil }
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The binary address (4 or 16 bytes), or `nil` when `host` is not a numeric address of that family.
    static func parse(_ host: String, ipv6: Bool) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: ipv6 ? 16 : 4)
        let parsed = bytes.withUnsafeMutableBytes { inet_pton(ipv6 ? AF_INET6 : AF_INET, host, $0.baseAddress) }
        return parsed == 1 ? bytes : nil
    }
}
