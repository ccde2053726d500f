/// A successful (2xx) response. Failed responses become ``KubeAPIError``s.
public struct KubeResponse: Sendable {
    /// The HTTP status code.
    public let status: Int
    /// The header fields of the final response, names as sent, in order.
    public let headers: [(String, String)]
    /// The body (already decompressed).
    public let body: [UInt8]
    /// The attempts the call took, this one included (1 when nothing was retried).
    public let attempts: Int

    /// Creates a response.
    public init(status: Int, headers: [(String, String)], body: [UInt8], attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }
}
