import Events

/// The result of an API operation: status code, body and `Warning` headers.
struct APIResult: Sendable {
    var status: Int
    var body: JSONValue
    var warnings: [String] = []
}
