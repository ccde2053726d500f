import Events

extension KubeAPIError {
    /// The error for a non-2xx response, from its `Status` body when it has one.
    ///
    /// The HTTP code decides the kind (the API conventions say the code wins over `reason`); `reason` only
    /// separates 409 `AlreadyExists` from other conflicts. A body that is not a `Status` is not quoted: it could
    /// be anything a proxy produced.
    static func fromResponse(
        status: Int, body: [UInt8], attempts: Int, credentialsMayRotate: Bool
    ) -> KubeAPIError {
        let parsed = StatusBody(body)
        let reason = parsed?.reason ?? defaultReason(status)
        let message = parsed?.message ?? "HTTP \(status) (\(body.count) byte body, not a Status)"
        let kind = kind(status: status, reason: reason)
        let transient: Bool? =
            switch kind {
            case .unauthorized: credentialsMayRotate
            case .forbidden where isQuotaExceeded(status: status, message: message): true
            default: nil
            }
        return KubeAPIError(
            kind: kind, code: status, reason: reason, message: message, causes: parsed?.causes ?? [],
            attempts: attempts, isTransient: transient)
    }

    /// Whether a response is the ResourceQuota admission plugin's refusal: 403 `Forbidden` whose message is
    /// `<resource> "<name>" is forbidden: exceeded quota: <quota>, requested: …, used: …, limited: …`
    /// (kubernetes/kubernetes plugin/pkg/admission/resourcequota/controller.go, `CheckRequest`, wrapped by
    /// `admission.NewForbidden`). It clears when Pods of the namespace finish, so it is retried like a 429, not
    /// treated as a refusal for good. Only the "exceeded quota" refusal qualifies: the plugin's other 403,
    /// `failed quota: <quota>: must specify …`, names a Pod that will never fit and stays permanent.
    static func isQuotaExceeded(status: Int, message: String) -> Bool {
        status == 403 && message.contains(" is forbidden: exceeded quota: ")
    }

    /// The kind for an HTTP status code (and the Status reason, for 409).
    static func kind(status: Int, reason: String) -> Kind {
        switch status {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: reason == "AlreadyExists" ? .alreadyExists : .conflict
        case 422: .invalid
        case 429: .tooManyRequests
        case 504: .timeout
        case 500...599: .serverError
        case 400...499: .badRequest
        default: .unexpected
        }
    }

    /// The Status reason the API server uses for a code, for bodies that carry none.
    static func defaultReason(_ status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 405: "MethodNotAllowed"
        case 406: "NotAcceptable"
        case 409: "Conflict"
        case 410: "Expired"
        case 413: "RequestEntityTooLarge"
        case 415: "UnsupportedMediaType"
        case 422: "Invalid"
        case 429: "TooManyRequests"
        case 500: "InternalError"
        case 502: "BadGateway"
        case 503: "ServiceUnavailable"
        case 504: "Timeout"
        default: "Unknown"
        }
    }
}

/// The fields of a Kubernetes `Status` object that the client reports.
struct StatusBody {
    var reason: String?
    var message: String?
    var causes: [KubeAPIError.Cause]
    var retryAfterSeconds: Int?

    /// Parses `body` as a `Status`; `nil` when it is not JSON or not `kind: Status`.
    init?(_ body: [UInt8]) {
        guard !body.isEmpty, body.count <= 1024 * 1024,
            let object = (try? JSONParser().parse(body))?.objectValue,
            object["kind"]?.stringValue == "Status"
        else { return nil }
        reason = object["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        message = object["message"]?.stringValue
        let details = object["details"]?.objectValue
        causes = (details?["causes"]?.arrayValue ?? []).compactMap { value in
            guard let cause = value.objectValue else { return nil }
            return KubeAPIError.Cause(
                reason: cause["reason"]?.stringValue ?? "", field: cause["field"]?.stringValue ?? "",
                message: cause["message"]?.stringValue ?? "")
        }
        retryAfterSeconds = details?["retryAfterSeconds"]?.numberValue?.int64Value.map { Int(clamping: $0) }
    }
}
