import Events

/// A Kubernetes `Status` failure: the error every API handler answers with.
struct APIStatus: Error, Sendable {
    /// The HTTP status code (also `code` in the body).
    var code: Int
    /// The machine-readable reason (`NotFound`, `AlreadyExists`, ...), or "" for none.
    var reason: String
    /// The human-readable message.
    var message: String
    /// `details.name`.
    var name: String = ""
    /// `details.group`.
    var group: String = ""
    /// `details.kind` (a resource plural for NotFound/AlreadyExists/Conflict, a Kind for Invalid).
    var kind: String = ""
    /// `details.uid`.
    var uid: String = ""
    /// `details.causes`.
    var causes: [JSONValue] = []
    /// `details.retryAfterSeconds` (also sent as `Retry-After`).
    var retryAfterSeconds: Int?

    /// The `Status` object.
    var json: JSONValue {
        var details = JSONObject()
        if !name.isEmpty { details.append("name", .string(name)) }
        if !group.isEmpty { details.append("group", .string(group)) }
        if !kind.isEmpty { details.append("kind", .string(kind)) }
        if !uid.isEmpty { details.append("uid", .string(uid)) }
        if !causes.isEmpty { details.append("causes", .array(causes)) }
        if let retryAfterSeconds { details.append("retryAfterSeconds", .integer(retryAfterSeconds)) }
        var object = JSONObject()
        object.append("kind", .string("Status"))
        object.append("apiVersion", .string("v1"))
        object.append("metadata", .object(JSONObject()))
        object.append("status", .string("Failure"))
        object.append("message", .string(message))
        if !reason.isEmpty { object.append("reason", .string(reason)) }
        if !details.isEmpty { object.append("details", .object(details)) }
        object.append("code", .integer(code))
        return .object(object)
    }

    /// The HTTP response carrying this status.
    var response: HTTPResponse {
        var headers: [(name: String, value: String)] = []
        if let retryAfterSeconds { headers.append(("Retry-After", String(retryAfterSeconds))) }
        return .json(code, json, headers: headers)
    }

    static func notFound(_ resource: ResourceKind, _ name: String) -> APIStatus {
        APIStatus(
            code: 404, reason: "NotFound", message: "\(resource.groupResource) \"\(name)\" not found", name: name,
            group: resource.group, kind: resource.plural)
    }

    static func alreadyExists(_ resource: ResourceKind, _ name: String) -> APIStatus {
        APIStatus(
            code: 409, reason: "AlreadyExists", message: "\(resource.groupResource) \"\(name)\" already exists",
            name: name,
            group: resource.group, kind: resource.plural)
    }

    static func conflict(_ resource: ResourceKind, _ name: String, _ detail: String) -> APIStatus {
        APIStatus(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.groupResource) \"\(name)\": \(detail)",
            name: name, group: resource.group, kind: resource.plural)
    }

    /// The optimistic-concurrency failure for a stale `metadata.resourceVersion`.
    static func staleResourceVersion(_ resource: ResourceKind, _ name: String) -> APIStatus {
        conflict(
            resource, name,
            "the object has been modified; please apply your changes to the latest version and try again")
    }

    static func invalid(_ resource: ResourceKind, _ name: String, _ errors: [FieldError]) -> APIStatus {
        let list = errors.count == 1 ? errors[0].message : "[" + errors.map(\.message).joined(separator: ", ") + "]"
        return APIStatus(
            code: 422, reason: "Invalid", message: "\(resource.qualifiedKind) \"\(name)\" is invalid: \(list)",
            name: name,
            group: resource.group, kind: resource.kind, causes: errors.map(\.cause))
    }

    static func forbidden(_ resource: ResourceKind, _ name: String, _ detail: String) -> APIStatus {
        APIStatus(
            code: 403, reason: "Forbidden", message: "\(resource.groupResource) \"\(name)\" is forbidden: \(detail)",
            name: name,
            group: resource.group, kind: resource.plural)
    }

    static func badRequest(_ message: String) -> APIStatus {
        APIStatus(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotSupported(_ method: String, _ what: String) -> APIStatus {
        APIStatus(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource (\(method) \(what))")
    }

    static func unsupportedMediaType(_ type: String) -> APIStatus {
        APIStatus(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
                + "application/strategic-merge-patch+json (got \"\(type)\")")
    }

    static func unauthorized() -> APIStatus {
        APIStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    static func pathNotFound() -> APIStatus {
        APIStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
    }

    static func internalError(_ message: String) -> APIStatus {
        APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
