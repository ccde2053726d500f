import Events

/// Where bearer tokens (and exec-provided certificates) come from. Holds secrets: never logged, never printed.
enum BearerSource: Sendable {
    /// No bearer token.
    case none
    /// A fixed token.
    case token(String)
    /// A file re-read when it changes.
    case tokenFile(path: String)
    /// A credential plugin.
    case exec(ExecPluginConfig)
}

/// A kubeconfig `users[].user.exec` block, resolved.
struct ExecPluginConfig: Sendable {
    /// The command as written (for messages).
    var command: String
    /// The path to run: absolute, resolved against the kubeconfig's directory, or a bare name looked up in `PATH`.
    var executable: String
    /// Arguments after the command.
    var arguments: [String]
    /// Extra environment variables, added to (and overriding) the client process's environment.
    var environment: [(String, String)]
    /// `client.authentication.k8s.io/v1` or `.../v1beta1`; the plugin must answer with the same.
    var apiVersion: String
    /// The `KUBERNETES_EXEC_INFO` value: the ExecCredential with its `spec` (and `spec.cluster` when the
    /// kubeconfig set `provideClusterInfo`).
    var execInfo: String

    /// The API versions the client speaks.
    static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// Builds the `KUBERNETES_EXEC_INFO` JSON.
    static func execInfo(apiVersion: String, cluster: JSONObject?) -> String {
        var spec = JSONObject()
        if let cluster { spec.append("cluster", .object(cluster)) }
        spec.append("interactive", .bool(false))
        var object = JSONObject()
        object.append("apiVersion", .string(apiVersion))
        object.append("kind", .string("ExecCredential"))
        object.append("spec", .object(spec))
        return String(decoding: JSONWriter.encode(.object(object)), as: UTF8.self)
    }
}
