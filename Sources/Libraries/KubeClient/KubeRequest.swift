/// One HTTP request to the API server, relative to the cluster's server URL.
public struct KubeRequest: Sendable {
    /// The HTTP method (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`).
    public var method: String
    /// The absolute API path, e.g. `/api/v1/namespaces/default/pods`. No query, no fragment: use ``query``.
    public var path: String
    /// Query parameters, percent-encoded by the client, in order.
    public var query: [(String, String)]
    /// The request body, if any.
    public var body: [UInt8]?
    /// The body's media type (`application/json`, `application/merge-patch+json`, ...).
    public var contentType: String?
    /// Attempts this call may make, when fewer than the client's ``KubeClientSettings/maxAttempts``.
    public var maxAttempts: Int?

    /// Creates a request.
    public init(
        method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
    }
}
