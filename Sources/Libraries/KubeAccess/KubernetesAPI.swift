import Events
import KubeClient

/// The API calls the handler makes. ``KubeClient`` is the real one; tests can substitute their own.
/// Every call retries transient failures itself until `deadline` and throws what is left.
public protocol KubernetesAPI: Sendable {
    /// POST to a collection.
    func create(_ collectionPath: String, body: [UInt8], deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue
    /// POST to a collection, making at most `maxAttempts` attempts (`nil`: the client's own limit).
    func create(
        _ collectionPath: String, body: [UInt8], maxAttempts: Int?, deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue
    /// GET one object.
    func get(_ path: String, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue
    /// DELETE one object, with an optional `DeleteOptions` body.
    func delete(_ path: String, body: [UInt8]?, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue
    /// PATCH one object with the given patch content type.
    func patch(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue
    /// POST to a collection when the caller needs only to know the object was created: a 2xx is success, and its
    /// body (the object again, a ConfigMap's whole data included) is not parsed.
    func createIgnoringResponse(_ collectionPath: String, body: [UInt8], deadline: KubeDeadline) throws(KubeAPIError)
    /// PATCH one object when the caller needs only to know it was applied: a 2xx is success, and its body (the
    /// whole object, as large as a create's) is not parsed.
    func patchIgnoringResponse(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError)
    /// The client's counters (requests, retries by cause, failures), if it keeps any.
    var clientStatistics: KubeClientStatistics? { get }
}

extension KubernetesAPI {
    public var clientStatistics: KubeClientStatistics? { nil }

    /// Substitutes answer with an object; it is dropped.
    public func createIgnoringResponse(
        _ collectionPath: String, body: [UInt8], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        _ = try create(collectionPath, body: body, deadline: deadline)
    }

    /// Substitutes answer with an object; it is dropped.
    public func patchIgnoringResponse(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        _ = try patch(path, body: body, contentType: contentType, query: query, deadline: deadline)
    }

    /// Substitutes that do not count attempts ignore the cap.
    public func create(
        _ collectionPath: String, body: [UInt8], maxAttempts: Int?, deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try create(collectionPath, body: body, deadline: deadline)
    }
}

extension KubeClient: KubernetesAPI {
    public var clientStatistics: KubeClientStatistics? { statistics }

    public func create(
        _ collectionPath: String, body: [UInt8], deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try create(collectionPath, body: body, query: [], deadline: deadline)
    }

    public func create(
        _ collectionPath: String, body: [UInt8], maxAttempts: Int?, deadline: KubeDeadline
    ) throws(KubeAPIError) -> JSONValue {
        try create(collectionPath, body: body, query: [], maxAttempts: maxAttempts, deadline: deadline)
    }

    public func get(_ path: String, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        try get(path, query: [], deadline: deadline)
    }

    public func delete(_ path: String, body: [UInt8]?, deadline: KubeDeadline) throws(KubeAPIError) -> JSONValue {
        try delete(path, body: body, query: [], deadline: deadline)
    }

    public func createIgnoringResponse(
        _ collectionPath: String, body: [UInt8], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        _ = try send(
            KubeRequest(method: "POST", path: collectionPath, body: body, contentType: "application/json"),
            deadline: deadline)
    }

    public func patchIgnoringResponse(
        _ path: String, body: [UInt8], contentType: String, query: [(String, String)], deadline: KubeDeadline
    ) throws(KubeAPIError) {
        _ = try send(
            KubeRequest(method: "PATCH", path: path, query: query, body: body, contentType: contentType),
            deadline: deadline)
    }
}
