import Events

/// One served (or dropped) request, as kept in the request log.
public struct RequestRecord: Sendable, Hashable {
    /// Position in the log, from 1, never reused.
    public var sequence: Int
    /// When the request arrived (RFC 3339 with microseconds).
    public var time: String
    /// The HTTP method.
    public var method: String
    /// The request target (path and query).
    public var path: String
    /// The status code sent; 0 when the connection was dropped.
    public var status: Int
    /// The authenticated user ("system:anonymous" or "" when authentication failed).
    public var user: String
    /// The Kubernetes verb (`get`, `list`, `create`, `update`, `patch`, `apply`, `delete`, `deletecollection`,
    /// `discovery`, `control`).
    public var verb: String
    /// The resource plural, or "".
    public var resource: String
    /// The namespace, or "".
    public var namespace: String
    /// The object name, or "".
    public var name: String
    /// The injected fault (`429`, `500`, `503`, `504`, `drop`), if any.
    public var fault: String?
    /// From the complete request to the response (including injected latency), in microseconds.
    public var durationMicroseconds: Int64

    /// The JSON form served by `/_sim/requests`.
    public var json: JSONValue {
        var object = JSONObject()
        object.append("sequence", .integer(sequence))
        object.append("time", .string(time))
        object.append("method", .string(method))
        object.append("path", .string(path))
        object.append("status", .integer(status))
        object.append("user", .string(user))
        object.append("verb", .string(verb))
        object.append("resource", .string(resource))
        object.append("namespace", .string(namespace))
        object.append("name", .string(name))
        object.append("fault", fault.map(JSONValue.string) ?? .null)
        object.append("durationMicroseconds", .integer(durationMicroseconds))
        return .object(object)
    }
}
