internal import CCurl

/// `curl_global_init`, exactly once per process, before the first handle (Swift runs a `static let` initializer
/// once, thread-safely). `curl_global_cleanup` is never called: other libraries in the process may use libcurl.
/// OpenSSL is told first not to tear itself down at exit, while another thread may still be in a transfer.
enum CurlGlobal {
    private static let result: CURLcode = {
        // First, while OpenSSL is not initialized yet: keep its cleanup out of atexit (see the shim).
        _ = ccurl_openssl_no_atexit()
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Initializes libcurl on first use; throws when that failed.
    static func ensureInitialized() throws(KubeAPIError) {
        guard result == CURLE_OK else {
            throw KubeAPIError(
                kind: .unexpected, reason: "CurlGlobalInit",
                message: "curl_global_init failed: \(String(cString: curl_easy_strerror(result)))")
        }
    }
}
