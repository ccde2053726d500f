/// A parsed HTTP/1.x request head (a body, if any, is the caller's to read).
public struct HTTPRequest: Sendable, Equatable {
    /// The method token, case-sensitive as HTTP says (`GET`, `HEAD`, …).
    public var method: String
    /// The request target as sent, e.g. `/metrics?x=1`.
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields in order; names as sent.
    public var headers: [HTTPHeader]

    public init(method: String, target: String, version: String, headers: [HTTPHeader] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The target without its query string.
    public var path: Substring { target.prefix { $0 != "?" } }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// One header field.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
