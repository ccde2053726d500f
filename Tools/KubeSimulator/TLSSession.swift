internal import COpenSSL
import Glibc

/// One TLS connection (`SSL *`) over a socket descriptor it does not own. Freed in `deinit`.
final class TLSSession {
    /// The outcome of a non-blocking TLS operation.
    enum Progress: Equatable {
        /// The operation completed; for reads and writes, with this many bytes.
        case done(Int)
        /// Retry when the socket is readable.
        case wantRead
        /// Retry when the socket is writable.
        case wantWrite
        /// The peer closed the connection (cleanly or not).
        case closed
        /// A TLS or socket error; the connection is unusable.
        case failed(String)
    }

    /// The owned `SSL *`.
    private let handle: OpaquePointer

    /// A session on `descriptor`, as the server (accepting) or client (connecting) side.
    init(context: TLSContext, descriptor: Int32, isServer: Bool) throws(SimulatorError) {
        guard let ssl = SSL_new(context.handle) else { throw OpenSSLFailure.error("SSL_new") }
        handle = ssl
        guard SSL_set_fd(ssl, descriptor) == 1 else { throw OpenSSLFailure.error("SSL_set_fd") }
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
    }

    deinit { SSL_free(handle) }

    /// Client side: the name to verify the server certificate against, and SNI when it is a DNS name.
    func expectServer(host: String) throws(SimulatorError) {
        if SimulatorPKI.isIPAddress(host) {
            guard let parameters = SSL_get0_param(handle), X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1 else {
                throw OpenSSLFailure.error("X509_VERIFY_PARAM_set1_ip_asc")
            }
        } else {
            guard SSL_set1_host(handle, host) == 1, copenssl_set_tlsext_host_name(handle, host) == 1 else {
                throw OpenSSLFailure.error("SSL_set1_host")
            }
        }
        let protocols: [UInt8] = [8] + Array("http/1.1".utf8)
        guard SSL_set_alpn_protos(handle, protocols, UInt32(protocols.count)) == 0 else {
            throw OpenSSLFailure.error("SSL_set_alpn_protos")
        }
    }

    /// Advances the handshake.
    func handshake() -> Progress {
        ERR_clear_error()
        let result = SSL_do_handshake(handle)
        return result == 1 ? .done(0) : progress(after: result)
    }

    /// Reads decrypted bytes into `buffer`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Progress {
        ERR_clear_error()
        let result = SSL_read(handle, buffer.baseAddress, Int32(clamping: buffer.count))
        return result > 0 ? .done(Int(result)) : progress(after: result)
    }

    /// Writes some of `bytes` (partial writes are enabled on server contexts).
    func write(_ bytes: UnsafeRawBufferPointer) -> Progress {
        guard !bytes.isEmpty else { return .done(0) }
        ERR_clear_error()
        let result = SSL_write(handle, bytes.baseAddress, Int32(clamping: bytes.count))
        return result > 0 ? .done(Int(result)) : progress(after: result)
    }

    /// Sends close_notify once, without waiting for the peer's.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(handle)
        ERR_clear_error()
    }

    /// The peer's certificate subject (CN, O list) when the peer presented a certificate that verified.
    var verifiedPeer: (commonName: String, organizations: [String])? {
        guard let peer = SSL_get1_peer_certificate(handle) else { return nil }
        let certificate = Certificate(owning: peer)
        guard SSL_get_verify_result(handle) == Int(X509_V_OK), let name = certificate.commonName else { return nil }
        return (name, certificate.organizations)
    }

    private func progress(after result: Int32) -> Progress {
        let savedErrno = errno
        switch SSL_get_error(handle, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let queued = OpenSSLFailure.drainQueue()
            if queued.isEmpty && (savedErrno == 0 || savedErrno == ECONNRESET || savedErrno == EPIPE) { return .closed }
            return .failed("TLS I/O: errno \(savedErrno)\(queued)")
        default:
            return .failed("TLS\(OpenSSLFailure.drainQueue())")
        }
    }
}
