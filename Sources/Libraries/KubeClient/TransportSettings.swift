/// The connection-level options every easy handle of one client gets: trust, proxy, identity of the client.
struct TransportSettings: Sendable {
    /// The CA bundle (PEM) to verify the server with; `nil` means the system trust store.
    var caPEM: [UInt8]?
    /// Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`).
    var insecureSkipTLSVerify: Bool
    /// A `CURLOPT_CONNECT_TO` entry (`name:port:host:port`) when `tls-server-name` replaces the URL's host.
    var connectTo: String?
    /// An explicit proxy (kubeconfig `proxy-url`); without it libcurl honours `https_proxy`/`no_proxy`.
    var proxyURL: String?
    /// Ask for no compressed responses (kubeconfig `disable-compression`).
    var disableCompression: Bool
    /// The `User-Agent` header.
    var userAgent: String
    /// The response body cap.
    var maxResponseBytes: Int
}

/// One attempt's request line, body and content headers, ready for a handle.
struct PreparedRequest: Sendable {
    /// The absolute URL (no credentials in it, ever).
    var url: String
    /// The HTTP method.
    var method: String
    /// The body, if any.
    var body: [UInt8]?
    /// The `Content-Type`, if any.
    var contentType: String?
}

/// What a handle got back from one attempt.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
}
