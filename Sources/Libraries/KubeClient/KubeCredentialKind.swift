/// How a configuration authenticates, for logs and startup checks. Names sources, never secret values.
public enum KubeCredentialKind: Sendable, Hashable, CustomStringConvertible {
    /// A bearer token written in the kubeconfig.
    case token
    /// A bearer token re-read from a file (kubeconfig `tokenFile`, or the in-cluster service-account token).
    case tokenFile(path: String)
    /// An `exec` credential plugin.
    case exec(command: String)
    /// A client certificate and key, for mutual TLS.
    case clientCertificate

    /// A short text such as `tokenFile(/var/run/.../token)`.
    public var description: String {
        switch self {
        case .token: "token"
        case .tokenFile(let path): "tokenFile(\(path))"
        case .exec(let command): "exec(\(command))"
        case .clientCertificate: "clientCertificate"
        }
    }
}
