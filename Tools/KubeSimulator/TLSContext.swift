internal import COpenSSL

/// An OpenSSL `SSL_CTX`, configured once and then only used to create sessions. Freed in `deinit`.
///
/// `@unchecked Sendable`: after the factory returns, the context is never mutated again; OpenSSL documents
/// `SSL_new` on a fully configured context as safe from many threads (its reference counts are atomic). The
/// handle is immutable (`let`).
final class TLSContext: @unchecked Sendable {
    /// The owned `SSL_CTX *`.
    let handle: OpaquePointer

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { SSL_CTX_free(handle) }

    /// A server context: TLS 1.2+, the given certificate chain, optional client certificates verified against
    /// `clientCA`, ALPN `http/1.1` only, no renegotiation, partial non-blocking writes.
    static func server(certificatePEM: String, keyPEM: String, clientCAPEM: String) throws(SimulatorError) -> TLSContext
    {
        guard let method = TLS_server_method(), let handle = SSL_CTX_new(method) else {
            throw OpenSSLFailure.error("SSL_CTX_new")
        }
        let context = TLSContext(handle: handle)
        guard copenssl_ctx_set_min_proto_version(handle, TLS1_2_VERSION) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_set_min_proto_version")
        }
        copenssl_ctx_disable_renegotiation(handle)
        copenssl_ctx_ignore_unexpected_eof(handle)
        _ = copenssl_ctx_enable_nonblocking_writes(handle)
        _ = copenssl_ctx_set_session_cache_mode(handle, Int(SSL_SESS_CACHE_SERVER))
        let sessionContext: [UInt8] = Array("k8s-api-simulator".utf8)
        guard SSL_CTX_set_session_id_context(handle, sessionContext, UInt32(sessionContext.count)) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_set_session_id_context")
        }

        let certificate = try Certificate.parse(pem: certificatePEM)
        let key = try PrivateKey.parse(pem: keyPEM)
        guard SSL_CTX_use_certificate(handle, certificate.handle) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_use_certificate")
        }
        guard SSL_CTX_use_PrivateKey(handle, key.handle) == 1, SSL_CTX_check_private_key(handle) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_use_PrivateKey")
        }

        let clientCA = try Certificate.parse(pem: clientCAPEM)
        guard let store = SSL_CTX_get_cert_store(handle), X509_STORE_add_cert(store, clientCA.handle) == 1 else {
            throw OpenSSLFailure.error("X509_STORE_add_cert")
        }
        guard SSL_CTX_add_client_CA(handle, clientCA.handle) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_add_client_CA")
        }
        // Ask for a client certificate but do not require one: bearer tokens are the other way in.
        SSL_CTX_set_verify(handle, SSL_VERIFY_PEER, nil)
        SSL_CTX_set_alpn_select_cb(handle, selectHTTP11, nil)
        return context
    }

    /// A client context that verifies the server against `caPEM` and optionally presents a client certificate.
    static func client(caPEM: String, certificatePEM: String?, keyPEM: String?) throws(SimulatorError) -> TLSContext {
        guard let method = TLS_client_method(), let handle = SSL_CTX_new(method) else {
            throw OpenSSLFailure.error("SSL_CTX_new")
        }
        let context = TLSContext(handle: handle)
        guard copenssl_ctx_set_min_proto_version(handle, TLS1_2_VERSION) == 1 else {
            throw OpenSSLFailure.error("SSL_CTX_set_min_proto_version")
        }
        // A peer that closes without close_notify (a dropped connection) reads as a clean end of stream.
        copenssl_ctx_ignore_unexpected_eof(handle)
        let ca = try Certificate.parse(pem: caPEM)
        guard let store = SSL_CTX_get_cert_store(handle), X509_STORE_add_cert(store, ca.handle) == 1 else {
            throw OpenSSLFailure.error("X509_STORE_add_cert")
        }
        SSL_CTX_set_verify(handle, SSL_VERIFY_PEER, nil)
        if let certificatePEM, let keyPEM {
            let certificate = try Certificate.parse(pem: certificatePEM)
            let key = try PrivateKey.parse(pem: keyPEM)
            guard SSL_CTX_use_certificate(handle, certificate.handle) == 1,
                SSL_CTX_use_PrivateKey(handle, key.handle) == 1
            else { throw OpenSSLFailure.error("SSL_CTX_use_certificate (client)") }
        }
        return context
    }
}

/// ALPN selection: `http/1.1` when the client offers it, otherwise no ALPN at all (HTTP/1.1 is then implied).
private func selectHTTP11(
    _ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
    _ outLength: UnsafeMutablePointer<UInt8>?,
    _ input: UnsafePointer<UInt8>?, _ inputLength: UInt32, _ argument: UnsafeMutableRawPointer?
) -> Int32 {
    guard let input, let out, let outLength else { return SSL_TLSEXT_ERR_NOACK }
    let wanted = Array("http/1.1".utf8)
    var offset = 0
    let total = Int(inputLength)
    while offset < total {
        let length = Int(input[offset])
        let start = offset + 1
        guard start + length <= total else { break }
        if length == wanted.count && (0..<length).allSatisfy({ input[start + $0] == wanted[$0] }) {
            out.pointee = input + start
            outLength.pointee = UInt8(length)
            return SSL_TLSEXT_ERR_OK
        }
        offset = start + length
    }
    return SSL_TLSEXT_ERR_NOACK
}
