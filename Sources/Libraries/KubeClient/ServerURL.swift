/// An API server URL taken apart: `scheme://host[:port][/prefix]`. Userinfo, query and fragment are refused.
package struct ServerURL: Sendable, Hashable {
    /// `http` or `https`.
    let scheme: String
    /// The host without IPv6 brackets.
    let host: String
    /// The port (443 or 80 when the URL has none).
    let port: Int
    /// A path prefix without a trailing slash (often empty), e.g. `/k8s/clusters/c-1`.
    let pathPrefix: String

    /// Parses `text`; the error says what is wrong without repeating the URL (a mistyped one may hold a secret).
    package init(_ text: String) throws(ServerURLProblem) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            scheme = "https"
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            scheme = "http"
            rest = text.dropFirst(7)
        } else {
            throw ServerURLProblem("must start with https:// (or http://)")
        }
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        guard !authority.contains("@") else { throw ServerURLProblem("must not contain user information") }
        guard !path.contains("?"), !path.contains("#") else {
            throw ServerURLProblem("must not contain a query or fragment")
        }
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw ServerURLProblem("contains spaces or control characters")
        }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ServerURLProblem("has an unclosed '['") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ServerURLProblem("has text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw ServerURLProblem("has no host") }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw ServerURLProblem("has an invalid port")
            }
            port = value
        } else {
            port = scheme == "https" ? 443 : 80
        }
        var prefix = String(path)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        pathPrefix = prefix
    }

    /// The host as it goes in a URL or `host:port` pair (IPv6 in brackets).
    static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// `scheme://host:port/prefix` with `host` replaced by `name` when given (for `tls-server-name`).
    package func base(host name: String? = nil) -> String {
        "\(scheme)://\(Self.bracketed(name ?? host)):\(port)\(pathPrefix)"
    }
}

/// Why a server URL was refused.
package struct ServerURLProblem: Error {
    package let text: String
    init(_ text: String) { self.text = text }
}
