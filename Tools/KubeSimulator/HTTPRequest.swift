/// One parsed HTTP/1.x request with its complete (de-chunked) body.
struct HTTPRequest: Sendable {
    /// The method, e.g. `GET`.
    var method: String
    /// The request target as sent (path and query).
    var target: String
    /// The percent-decoded path.
    var path: String
    /// The raw query string (after `?`), possibly empty.
    var rawQuery: String
    /// Header fields in order, names lowercased.
    var headers: [(name: String, value: String)]
    /// The body (empty when none was sent).
    var body: [UInt8]
    /// Whether the connection may be reused after the response.
    var keepAlive: Bool

    /// The first value of header `name` (lowercase).
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The decoded query parameters, in order.
    var query: [(name: String, value: String)] { QueryString.parse(rawQuery) }

    /// The first value of query parameter `name`.
    func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The media type of the body, lowercased and without parameters (e.g. `application/json`).
    var mediaType: String {
        guard let value = header("content-type") else { return "" }
        let type = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return type.trimmingSpaces.lowercased()
    }
}
