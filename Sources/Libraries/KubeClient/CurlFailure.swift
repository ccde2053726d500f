internal import CCurl

/// A `curl_easy_perform` that produced no usable response, classified for the retry loop.
struct CurlFailure: Error, Sendable, Hashable {
    /// The `CURLcode` value.
    let code: UInt32
    /// libcurl's error-buffer text (or `curl_easy_strerror` when the buffer is empty).
    let message: String
    /// The write callback refused the body because it passed the size cap.
    let bodyTooLarge: Bool

    /// The constant's name, e.g. `CURLE_COULDNT_CONNECT`.
    var name: String {
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL.rawValue: "CURLE_UNSUPPORTED_PROTOCOL"
        case CURLE_URL_MALFORMAT.rawValue: "CURLE_URL_MALFORMAT"
        case CURLE_COULDNT_RESOLVE_PROXY.rawValue: "CURLE_COULDNT_RESOLVE_PROXY"
        case CURLE_COULDNT_RESOLVE_HOST.rawValue: "CURLE_COULDNT_RESOLVE_HOST"
        case CURLE_COULDNT_CONNECT.rawValue: "CURLE_COULDNT_CONNECT"
        case CURLE_WEIRD_SERVER_REPLY.rawValue: "CURLE_WEIRD_SERVER_REPLY"
        case CURLE_HTTP2.rawValue: "CURLE_HTTP2"
        case CURLE_PARTIAL_FILE.rawValue: "CURLE_PARTIAL_FILE"
        case CURLE_WRITE_ERROR.rawValue: "CURLE_WRITE_ERROR"
        case CURLE_OUT_OF_MEMORY.rawValue: "CURLE_OUT_OF_MEMORY"
        case CURLE_OPERATION_TIMEDOUT.rawValue: "CURLE_OPERATION_TIMEDOUT"
        case CURLE_SSL_CONNECT_ERROR.rawValue: "CURLE_SSL_CONNECT_ERROR"
        case CURLE_GOT_NOTHING.rawValue: "CURLE_GOT_NOTHING"
        case CURLE_SEND_ERROR.rawValue: "CURLE_SEND_ERROR"
        case CURLE_RECV_ERROR.rawValue: "CURLE_RECV_ERROR"
        case CURLE_SSL_CERTPROBLEM.rawValue: "CURLE_SSL_CERTPROBLEM"
        case CURLE_SSL_CIPHER.rawValue: "CURLE_SSL_CIPHER"
        case CURLE_PEER_FAILED_VERIFICATION.rawValue: "CURLE_PEER_FAILED_VERIFICATION"
        case CURLE_BAD_CONTENT_ENCODING.rawValue: "CURLE_BAD_CONTENT_ENCODING"
        case CURLE_SSL_CACERT_BADFILE.rawValue: "CURLE_SSL_CACERT_BADFILE"
        case CURLE_SSL_ISSUER_ERROR.rawValue: "CURLE_SSL_ISSUER_ERROR"
        case CURLE_HTTP2_STREAM.rawValue: "CURLE_HTTP2_STREAM"
        default: "CURLE_\(code)"
        }
    }

    /// Whether the failure is a broken or refused connection, or a timeout, that a new attempt may not meet.
    /// Certificate and configuration problems are not retried: they do not heal within a call's deadline.
    var isRetriable: Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY.rawValue, CURLE_COULDNT_RESOLVE_HOST.rawValue,
            CURLE_COULDNT_CONNECT.rawValue, CURLE_OPERATION_TIMEDOUT.rawValue, CURLE_SSL_CONNECT_ERROR.rawValue,
            CURLE_GOT_NOTHING.rawValue, CURLE_SEND_ERROR.rawValue, CURLE_RECV_ERROR.rawValue,
            CURLE_PARTIAL_FILE.rawValue, CURLE_HTTP2.rawValue, CURLE_HTTP2_STREAM.rawValue:
            !bodyTooLarge
        default:
            false
        }
    }

    /// The error reported to the caller.
    func error(attempts: Int, bodyLimit: Int) -> KubeAPIError {
        if bodyTooLarge {
            return KubeAPIError(
                kind: .unexpected, reason: "ResponseTooLarge",
                message: "the response body exceeds the \(bodyLimit)-byte limit", attempts: attempts)
        }
        let kind: KubeAPIError.Kind
        var transient: Bool? = nil
        switch code {
        case CURLE_OPERATION_TIMEDOUT.rawValue:
            kind = .timeout
        case CURLE_UNSUPPORTED_PROTOCOL.rawValue, CURLE_URL_MALFORMAT.rawValue, CURLE_SSL_CERTPROBLEM.rawValue,
            CURLE_SSL_CACERT_BADFILE.rawValue:
            kind = .configuration
        case CURLE_OUT_OF_MEMORY.rawValue, CURLE_WRITE_ERROR.rawValue, CURLE_BAD_CONTENT_ENCODING.rawValue:
            kind = .unexpected
        default:
            kind = .transport
            transient = isRetriable
        }
        return KubeAPIError(
            kind: kind, code: 0, reason: name, message: message, attempts: attempts, isTransient: transient)
    }
}
