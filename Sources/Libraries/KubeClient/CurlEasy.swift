internal import CCurl
import Glibc

/// One libcurl easy handle, configured once for a cluster and reused for many transfers, each run through the
/// client's ``CurlMulti`` (whose connection cache keeps the connections). Used by one thread at a time:
/// ``CurlHandlePool`` checks it out to exactly one caller.
final class CurlEasy: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    /// Kept alive as long as the handle uses it.
    private let share: CurlShare
    /// Runs the transfers; outlives the handle.
    private let multi: CurlMulti
    private let collector: ResponseCollector
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// `CURLOPT_CONNECT_TO` keeps this list's pointer, so it lives as long as the handle.
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    /// The credential generation whose certificate is applied (`nil`: none applied yet).
    private var appliedGeneration: UInt64?

    /// Creates and configures a handle. Fails only when libcurl rejects an option (for example a libcurl built
    /// without blob support), which is a configuration error.
    init(share: CurlShare, multi: CurlMulti, transport: TransportSettings) throws(KubeAPIError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw KubeAPIError(kind: .unexpected, reason: "CurlEasyInit", message: "curl_easy_init returned NULL")
        }
        self.handle = handle
        self.share = share
        self.multi = multi
        collector = ResponseCollector(limit: transport.maxResponseBytes)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(transport)
    }

    deinit {
        curl_easy_cleanup(handle)
        if let connectToList { curl_slist_free_all(connectToList) }
        errorBuffer.deallocate()
    }

    /// Runs one transfer. Never throws: a failure without a response comes back as a ``CurlFailure``.
    ///
    /// - Parameters:
    ///   - timeout: the whole attempt (`CURLOPT_TIMEOUT_MS`); `connectTimeout` the connect and TLS handshake.
    ///   - info: set to the new connections this transfer opened (`CURLINFO_NUM_CONNECTS`) and the HTTP version
    ///     it used (`CURLINFO_HTTP_VERSION`).
    func perform(
        _ request: PreparedRequest, credential: Credential, timeout: Duration, connectTimeout: Duration,
        info: inout TransferInfo
    ) -> Result<HTTPResult, CurlFailure> {
        collector.reset()
        errorBuffer[0] = 0
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            _ = ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, nil)
            curl_slist_free_all(headers)
        }
        do throws(CurlFailure) {
            try applyCertificate(credential)
            try prepare(request, timeout: timeout, connectTimeout: connectTimeout)
            headers = buildHeaders(request, token: credential.token)
            try setFailing(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headers))
        } catch {
            return .failure(error)
        }
        let code = multi.perform(handle)
        var connects = 0
        if ccurl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK {
            info.connectionsOpened = connects
        }
        var version = 0
        if ccurl_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version) == CURLE_OK { info.httpVersion = version }
        guard code == CURLE_OK else {
            return .failure(failure(code))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResult(status: status, headers: collector.headers, body: collector.body))
    }

    // MARK: - Per-transfer options

    private func prepare(_ request: PreparedRequest, timeout: Duration, connectTimeout: Duration) throws(CurlFailure) {
        try setFailing(CURLOPT_URL, request.url)
        try setFailing(CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds())
        try setFailing(CURLOPT_CONNECTTIMEOUT_MS, min(connectTimeout, timeout).curlMilliseconds())
        // HTTPGET resets any previous POST state (and NOBODY); then the body, then the verb.
        try setFailing(CURLOPT_HTTPGET, 1)
        if request.method == "HEAD" { try setFailing(CURLOPT_NOBODY, 1) }
        let needsBody = request.method == "POST" || request.method == "PUT" || request.method == "PATCH"
        let body = request.body ?? (needsBody ? [] : nil)
        if let body {
            try setFailing(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
            var copy = body
            if copy.isEmpty { copy = [0] }  // a valid pointer; POSTFIELDSIZE says 0 bytes
            let code = copy.withUnsafeMutableBytes { buffer in
                ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
            }
            guard code == CURLE_OK else { throw failure(code) }
        }
        let standard = request.method == "GET" || request.method == "HEAD" || (request.method == "POST" && body != nil)
        try setFailing(CURLOPT_CUSTOMREQUEST, standard ? nil : request.method)
    }

    private func buildHeaders(_ request: PreparedRequest, token: String?) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        list = curl_slist_append(list, "Accept: application/json")
        // No `Expect: 100-continue` round trip before bodies.
        list = curl_slist_append(list, "Expect:")
        if let contentType = request.contentType { list = curl_slist_append(list, "Content-Type: \(contentType)") }
        if let token { list = curl_slist_append(list, "Authorization: Bearer \(token)") }
        return list
    }

    /// Applies the credential's client certificate when the credential changed since the last transfer.
    private func applyCertificate(_ credential: Credential) throws(CurlFailure) {
        guard appliedGeneration != credential.generation else { return }
        if let certificate = credential.certificate {
            try setFailing(CURLOPT_SSLCERTTYPE, "PEM")
            try setFailing(CURLOPT_SSLKEYTYPE, "PEM")
            try setBlobFailing(CURLOPT_SSLCERT_BLOB, certificate.certificatePEM)
            try setBlobFailing(CURLOPT_SSLKEY_BLOB, certificate.keyPEM)
        } else {
            try setFailing(CURLOPT_SSLCERT_BLOB, pointer: nil)
            try setFailing(CURLOPT_SSLKEY_BLOB, pointer: nil)
        }
        appliedGeneration = credential.generation
    }

    private func failure(_ code: CURLcode) -> CurlFailure {
        var text = String(cString: errorBuffer)
        if text.isEmpty { text = String(cString: curl_easy_strerror(code)) }
        return CurlFailure(code: code.rawValue, message: text, bodyTooLarge: collector.overflowed)
    }

    // MARK: - Handle-lifetime options

    private func configure(_ transport: TransportSettings) throws(KubeAPIError) {
        try set(CURLOPT_SHARE, pointer: share.handle)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        // Wait for the first connection's ALPN answer rather than opening one per concurrent call: over HTTP/2
        // they all become streams of it (see ``CurlMulti``).
        try set(CURLOPT_PIPEWAIT, 1)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_USERAGENT, transport.userAgent)
        if !transport.disableCompression { try set(CURLOPT_ACCEPT_ENCODING, "") }
        try set(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))
        try set(CURLOPT_SSL_VERIFYPEER, transport.insecureSkipTLSVerify ? 0 : 1)
        try set(CURLOPT_SSL_VERIFYHOST, transport.insecureSkipTLSVerify ? 0 : 2)
        if let caPEM = transport.caPEM {
            // Only the cluster's CA: drop the system bundle libcurl would otherwise load as well.
            try set(CURLOPT_CAINFO, nil)
            try set(CURLOPT_CAPATH, nil)
            try setBlob(CURLOPT_CAINFO_BLOB, caPEM)
        }
        if let connectTo = transport.connectTo {
            connectToList = curl_slist_append(nil, connectTo)
            try set(CURLOPT_CONNECT_TO, pointer: UnsafeMutableRawPointer(connectToList))
        }
        if let proxy = transport.proxyURL { try set(CURLOPT_PROXY, proxy) }
        let context = Unmanaged.passUnretained(collector).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: context)
        try set(CURLOPT_HEADERDATA, pointer: context)
        try check(ccurl_setopt_write(handle, curlWriteBody), "CURLOPT_WRITEFUNCTION")
        try check(ccurl_setopt_header(handle, curlWriteHeader), "CURLOPT_HEADERFUNCTION")
    }

    private func set(_ option: CURLoption, _ value: Int) throws(KubeAPIError) {
        try check(ccurl_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String?) throws(KubeAPIError) {
        try check(ccurl_setopt_string(handle, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(KubeAPIError) {
        try check(ccurl_setopt_pointer(handle, option, pointer), "option \(option.rawValue)")
    }

    private func setBlob(_ option: CURLoption, _ bytes: [UInt8]) throws(KubeAPIError) {
        let code = Self.withBlob(bytes) { ccurl_setopt_pointer(handle, option, $0) }
        try check(code, "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(KubeAPIError) {
        guard code == CURLE_OK else {
            throw KubeAPIError.configuration(
                "libcurl rejected \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func setFailing(_ option: CURLoption, _ value: Int) throws(CurlFailure) {
        let code = ccurl_setopt_long(handle, option, value)
        guard code == CURLE_OK else { throw failure(code) }
    }

    private func setFailing(_ option: CURLoption, offset value: curl_off_t) throws(CurlFailure) {
        let code = ccurl_setopt_off(handle, option, value)
        guard code == CURLE_OK else { throw failure(code) }
    }

    private func setFailing(_ option: CURLoption, _ value: String?) throws(CurlFailure) {
        let code = ccurl_setopt_string(handle, option, value)
        guard code == CURLE_OK else { throw failure(code) }
    }

    private func setFailing(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlFailure) {
        let code = ccurl_setopt_pointer(handle, option, pointer)
        guard code == CURLE_OK else { throw failure(code) }
    }

    private func setBlobFailing(_ option: CURLoption, _ bytes: [UInt8]) throws(CurlFailure) {
        let code = Self.withBlob(bytes) { ccurl_setopt_pointer(handle, option, $0) }
        guard code == CURLE_OK else { throw failure(code) }
    }

    /// Lends `body` a `struct curl_blob` over `bytes` with `CURL_BLOB_COPY`, so libcurl keeps its own copy.
    private static func withBlob(_ bytes: [UInt8], _ body: (UnsafeMutableRawPointer) -> CURLcode) -> CURLcode {
        var copy = bytes
        return copy.withUnsafeMutableBytes { buffer in
            var blob = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
            return withUnsafeMutablePointer(to: &blob) { body(UnsafeMutableRawPointer($0)) }
        }
    }
}

/// What a transfer reports besides its response.
struct TransferInfo: Sendable, Hashable {
    /// New connections the transfer opened (`CURLINFO_NUM_CONNECTS`).
    var connectionsOpened = 0
    /// `CURLINFO_HTTP_VERSION`: `CURL_HTTP_VERSION_1_1`, `CURL_HTTP_VERSION_2_0`…, 0 without a response.
    var httpVersion = 0

    /// Whether the response came over HTTP/2.
    var isHTTP2: Bool { httpVersion == CURL_HTTP_VERSION_2_0 }
}

/// `CURLOPT_WRITEFUNCTION`: body bytes into the handle's collector; a short count aborts past the cap.
private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let length = size * count
    guard let data, length > 0 else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    return collector.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// `CURLOPT_HEADERFUNCTION`: one header line at a time.
private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context, let data, length > 0 else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(context).takeUnretainedValue()
    collector.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
