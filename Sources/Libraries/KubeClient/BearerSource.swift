import Events

/// Where bearer tokens (and exec-provided certificates) come from. Holds secrets: never logged, never printed.
package enum BearerSource: Sendable, Equatable {
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
package struct ExecPluginConfig: Sendable, Equatable {
    /// The command as written (for messages).
    package var command: String
    /// The path to run: absolute, resolved against the kubeconfig's directory, or a bare name looked up in `PATH`.
    package var executable: String
    /// Arguments after the command.
    package var arguments: [String]
    /// Extra environment variables, added to (and overriding) the client process's environment.
    package var environment: [(String, String)]
    /// `client.authentication.k8s.io/v1` or `.../v1beta1`; the plugin must answer with the same.
    package var apiVersion: String
    /// The `KUBERNETES_EXEC_INFO` value: the ExecCredential with its `spec` (and `spec.cluster` when the
    /// kubeconfig set `provideClusterInfo`).
    package var execInfo: String

    package init(
        command: String, executable: String, arguments: [String], environment: [(String, String)], apiVersion: String,
        execInfo: String
    ) {
        self.command = command
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.execInfo = execInfo
    }

    package static func == (left: ExecPluginConfig, right: ExecPluginConfig) -> Bool {
        left.command == right.command && left.executable == right.executable && left.arguments == right.arguments
            && left.environment.elementsEqual(right.environment, by: { $0 == $1 })
            && left.apiVersion == right.apiVersion
            && left.execInfo == right.execInfo
    }

    /// The API versions the client speaks.
    package static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    /// Builds the `KUBERNETES_EXEC_INFO` JSON.
    package static func execInfo(apiVersion: String, cluster: JSONObject?) -> String {
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
