internal import CCurl

/// The libcurl this process runs with (`curl_version_info`), for `--version` and the start-up log line.
public struct CurlVersion: Sendable, Equatable, CustomStringConvertible {
    /// e.g. `7.88.1`.
    public var version: String
    /// The TLS backend and its version, e.g. `OpenSSL/3.0.11`; empty when built without TLS.
    public var sslBackend: String
    /// Whether HTTP/2 is built in (`CURL_VERSION_HTTP2`).
    public var http2: Bool

    /// The loaded library's answer.
    public static var current: CurlVersion {
        try? CurlGlobal.ensureInitialized()  // curl_version_info expects an initialized library
        guard let info = ccurl_version_info() else {
            return CurlVersion(version: "unknown", sslBackend: "", http2: false)
        }
        return CurlVersion(
            version: info.pointee.version.map { String(cString: $0) } ?? "unknown",
            sslBackend: info.pointee.ssl_version.map { String(cString: $0) } ?? "",
            http2: info.pointee.features & Int32(CURL_VERSION_HTTP2) != 0)
    }

    /// `libcurl 7.88.1 (TLS: OpenSSL/3.0.11, HTTP/2: yes)`.
    public var description: String {
        "libcurl \(version) (TLS: \(sslBackend.isEmpty ? "none" : sslBackend), HTTP/2: \(http2 ? "yes" : "no"))"
    }
}
