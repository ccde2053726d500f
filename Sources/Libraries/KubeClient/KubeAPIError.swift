/// A failed API call, built from the server's `Status` object when there is one.
///
/// Callers branch on ``kind`` (and ``isTransient``), never on ``message``. Messages and reasons come from the
/// server or from libcurl and never contain credentials: tokens and keys are not in URLs, headers are never
/// echoed, and configuration errors name the file and key, not the value.
public struct KubeAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is, in the terms a caller acts on.
    public enum Kind: Sendable, Hashable {
        /// 409 with reason `AlreadyExists`: a create found an object of that name.
        case alreadyExists
        /// 409 otherwise: a stale `resourceVersion` or a server-side-apply field conflict.
        case conflict
        /// 404.
        case notFound
        /// 422: validation failed; ``KubeAPIError/causes`` says where.
        case invalid
        /// 403: RBAC, Pod Security admission, quota.
        case forbidden
        /// 401: the credentials were refused.
        case unauthorized
        /// 400 and other 4xx codes without a kind of their own (and requests the client refuses to send).
        case badRequest
        /// 429: the server's priority and fairness (or storage) asked to come back later.
        case tooManyRequests
        /// 500, 502, 503 and other 5xx codes except 504.
        case serverError
        /// 504, an attempt that ran out of time, or a deadline that passed before an answer.
        case timeout
        /// No HTTP response: connection refused or reset, TLS failure, DNS.
        case transport
        /// The kubeconfig, the in-cluster files or a credential plugin are unusable.
        case configuration
        /// Anything else: an unexpected status, a body that is not JSON, a body over the size cap.
        case unexpected
    }

    /// One entry of `Status.details.causes`: which field failed validation and why.
    public struct Cause: Sendable, Hashable {
        /// A machine-readable reason such as `FieldValueRequired`.
        public let reason: String
        /// The field path, such as `spec.containers[0].image`.
        public let field: String
        /// The human-readable explanation.
        public let message: String

        /// Creates a cause.
        public init(reason: String, field: String, message: String) {
            self.reason = reason
            self.field = field
            self.message = message
        }
    }

    /// The kind of failure.
    public let kind: Kind
    /// The HTTP status; 0 when there was no response.
    public let code: Int
    /// `Status.reason` (`AlreadyExists`, `NotFound`, ...), or the libcurl error's name (`CURLE_COULDNT_CONNECT`),
    /// or a short CamelCase word chosen by the client (`Configuration`, `DeadlineExceeded`).
    public let reason: String
    /// `Status.message`, libcurl's text, or the client's explanation. Never credentials.
    public let message: String
    /// `Status.details.causes`, in order (empty when there are none).
    public let causes: [Cause]
    /// The attempts the call made before giving up (0 when it failed before sending anything).
    public let attempts: Int
    /// How many of those attempts the server answered 500 (Internal Server Error), whatever ended the call: a
    /// call whose last attempt timed out after two 500s reports 2. A caller bounding the attempts a broken
    /// admission webhook may cost counts these.
    public let internalErrorAnswers: Int
    /// Whether trying the same call again later could succeed: transport failures (except certificate problems),
    /// timeouts, 429, 5xx, a 403 of an exceeded ResourceQuota (``isQuotaExceeded``), and `unauthorized` only when
    /// the credentials come from a token file or an exec plugin and may have rotated.
    public let isTransient: Bool
    /// Whether the call's deadline ended it: it passed before an attempt could be sent (or the rate limit's slot
    /// came after it), or a transient failure would have been retried but the wait would end after it. A caller
    /// whose deadline is a hard end (a command's expiry) knows then that no retry could come in time.
    public let endedByDeadline: Bool

    /// Creates an error. `isTransient` defaults to what ``kind`` implies (see ``isTransient``).
    public init(
        kind: Kind, code: Int = 0, reason: String, message: String, causes: [Cause] = [], attempts: Int = 0,
        internalErrorAnswers: Int? = nil, isTransient: Bool? = nil, endedByDeadline: Bool = false
    ) {
        self.kind = kind
        self.code = code
        self.reason = reason
        self.message = message
        self.causes = causes
        self.attempts = attempts
        self.internalErrorAnswers = internalErrorAnswers ?? (code == 500 ? attempts : 0)
        self.isTransient = isTransient ?? Self.transientByDefault(kind)
        self.endedByDeadline = endedByDeadline
    }

    /// The same error with the attempt counts of the call that gave up.
    func with(attempts: Int, internalErrorAnswers: Int) -> KubeAPIError {
        KubeAPIError(
            kind: kind, code: code, reason: reason, message: message, causes: causes, attempts: attempts,
            internalErrorAnswers: internalErrorAnswers, isTransient: isTransient, endedByDeadline: endedByDeadline)
    }

    /// The same error, marked as the last one before the call's deadline ended its retries.
    func endingByDeadline() -> KubeAPIError {
        KubeAPIError(
            kind: kind, code: code, reason: reason, message: message, causes: causes, attempts: attempts,
            internalErrorAnswers: internalErrorAnswers, isTransient: isTransient, endedByDeadline: true)
    }

    /// Whether this is a 403 of the ResourceQuota admission plugin for an exceeded quota: transient, since the
    /// quota frees up when Pods finish.
    public var isQuotaExceeded: Bool { kind == .forbidden && Self.isQuotaExceeded(status: code, message: message) }

    /// A one-line form for logs: kind, code, reason, message, causes and attempts.
    public var description: String {
        var text = "KubeAPIError(\(kind)"
        if code != 0 { text += ", \(code)" }
        if !reason.isEmpty { text += " \(reason)" }
        text += "): \(message)"
        if !causes.isEmpty {
            text += " [" + causes.map { "\($0.field): \($0.message)" }.joined(separator: "; ") + "]"
        }
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return text
    }

    private static func transientByDefault(_ kind: Kind) -> Bool {
        switch kind {
        case .transport, .timeout, .tooManyRequests, .serverError: true
        default: false
        }
    }
}

// MARK: - Factories for the client's own failures

extension KubeAPIError {
    /// A kubeconfig, in-cluster or credential-plugin problem. `message` must say what and where, never a secret.
    package static func configuration(_ message: String) -> KubeAPIError {
        KubeAPIError(kind: .configuration, reason: "Configuration", message: message)
    }

    /// The call's deadline passed before an answer (or a wait would end after it).
    static func deadlineExceeded(_ message: String, attempts: Int) -> KubeAPIError {
        KubeAPIError(
            kind: .timeout, reason: "DeadlineExceeded", message: message, attempts: attempts, endedByDeadline: true)
    }

    /// A request the client refuses to send (a malformed path or method).
    static func invalidRequest(_ message: String) -> KubeAPIError {
        KubeAPIError(kind: .badRequest, reason: "InvalidRequest", message: message)
    }
}
