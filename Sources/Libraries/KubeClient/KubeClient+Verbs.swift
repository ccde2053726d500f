import Events

/// The calls a controller needs, decoding the JSON response with Events' strict parser.
extension KubeClient {
    /// `POST` a new object to a collection (`/api/v1/namespaces/ns/configmaps`). Returns the created object.
    /// Use `query` for `dryRun=All` or `fieldValidation=Strict`.
    ///
    /// A retried create whose first attempt did reach the server fails with `.alreadyExists`: callers with
    /// deterministic names treat that as "fetch it and check it is ours".
    ///
    /// `maxAttempts` caps this call's attempts below the client's setting (a caller counting attempts across
    /// calls, such as a create that gives up after a number of 500s).
    public func create(
        _ collectionPath: String, body: [UInt8], query: [(String, String)] = [], maxAttempts: Int? = nil,
        deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        var request = KubeRequest(
            method: "POST", path: collectionPath, query: query, body: body, contentType: "application/json")
        request.maxAttempts = maxAttempts
        return try decode(send(request, deadline: deadline))
    }

    /// `GET` an object or a list.
    public func get(
        _ path: String, query: [(String, String)] = [], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try decode(send(KubeRequest(method: "GET", path: path, query: query), deadline: deadline))
    }

    /// `DELETE` an object, with an optional `DeleteOptions` body (grace period, propagation, preconditions).
    /// Returns the object (graceful deletion, finalizers) or a `Status` with `status: Success`.
    public func delete(
        _ path: String, body: [UInt8]?, query: [(String, String)] = [], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try decode(
            send(
                KubeRequest(
                    method: "DELETE", path: path, query: query, body: body,
                    contentType: body == nil ? nil : "application/json"),
                deadline: deadline))
    }

    /// `PATCH` an object. `contentType` selects the patch format: `application/merge-patch+json`,
    /// `application/strategic-merge-patch+json`, `application/json-patch+json`, or `application/apply-patch+yaml`
    /// for server-side apply (then pass `fieldManager`, and `force=true` as a controller, in `query`).
    public func patch(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)] = [], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try decode(
            send(
                KubeRequest(method: "PATCH", path: path, query: query, body: body, contentType: contentType),
                deadline: deadline))
    }

    /// `PUT` a whole object in place of the stored one (send its `metadata.resourceVersion` to refuse with 409 if it
    /// changed since read). Returns the stored object.
    public func replace(
        _ path: String, body: [UInt8], query: [(String, String)] = [], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try decode(
            send(
                KubeRequest(method: "PUT", path: path, query: query, body: body, contentType: "application/json"),
                deadline: deadline))
    }

    /// The body as JSON, as much of it as ``KubeClientSettings/responseSelection`` keeps; an empty body is `null`.
    func decode(_ response: KubeResponse) throws(KubeAPIError) -> JSONValue {
        guard !response.body.isEmpty else { return .null }
        do {
            return try JSONParser(limits: .init(maxDepth: 256)).parse(
                response.body, keeping: settings.responseSelection)
        } catch {
            throw KubeAPIError(
                kind: .unexpected, code: response.status, reason: "InvalidJSON",
                message: "the response body is not valid JSON: \(error)", attempts: response.attempts)
        }
    }
}
