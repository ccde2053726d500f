import Events

/// One Kubernetes object ready to send: its identity and its body.
public struct KubeObject: Sendable, Hashable {
    /// `apiVersion`, e.g. `v1`.
    public let apiVersion: String
    /// `kind`, e.g. `Pod`.
    public let kind: String
    /// `metadata.name`.
    public let name: String
    /// `metadata.namespace`.
    public let namespace: String
    /// The whole object, members in a fixed order.
    public let body: JSONValue

    /// Creates an object.
    public init(apiVersion: String, kind: String, name: String, namespace: String, body: JSONValue) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.body = body
    }

    /// The body as compact JSON: the same input always gives the same bytes.
    public var json: [UInt8] { JSONWriter.encode(body, reusing: Self.preEscaped) }

    /// The entrypoint script, in every ConfigMap: 10 KB with some 400 characters to escape, escaped once.
    static let preEscaped = [JSONWriter.PreEscaped(EntrypointScript.text)]
}
