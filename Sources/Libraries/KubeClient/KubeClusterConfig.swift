import Glibc

/// The resolved target of a client: the server URL, TLS material, credentials and default namespace.
///
/// Loading reads every referenced file (CA, client certificate and key, token files) once, so that a broken
/// configuration fails at startup with a message naming the file and key. Secret material is kept internal:
/// the public properties describe the configuration without revealing it.
public struct KubeClusterConfig: Sendable, Equatable {
    /// The API server's base URL, e.g. `https://10.0.0.1:443` (may include a path prefix).
    public let server: String
    /// The default namespace: the context's `namespace`, or the in-cluster namespace; `nil` when unset.
    public let namespace: String?
    /// Whether server certificate verification is off (kubeconfig `insecure-skip-tls-verify`). See ``warnings``.
    public let insecureSkipTLSVerify: Bool
    /// The name used for SNI and certificate verification instead of the URL's host (`tls-server-name`).
    public let tlsServerName: String?
    /// An explicit proxy (`proxy-url`); otherwise libcurl honours `https_proxy` and `no_proxy`.
    public let proxyURL: String?
    /// How requests authenticate (empty: anonymously).
    public let credentials: [KubeCredentialKind]
    /// Where the configuration came from, e.g. `kubeconfig /home/me/.kube/config, context "prod"`.
    public let origin: String
    /// Problems worth a loud log line that do not stop the client, such as `insecure-skip-tls-verify`.
    /// ``KubeClient`` logs each at warning level when it is created.
    public let warnings: [String]

    /// The CA bundle (PEM); `nil` means the system trust store.
    package let caPEM: [UInt8]?
    /// A fixed client certificate.
    package let clientCertificate: ClientCertificate?
    /// Where bearer tokens come from.
    package let bearer: BearerSource
    /// `disable-compression`.
    package let disableCompression: Bool

    package init(
        server: String, namespace: String?, insecureSkipTLSVerify: Bool, tlsServerName: String?, proxyURL: String?,
        origin: String, warnings: [String], caPEM: [UInt8]?, clientCertificate: ClientCertificate?,
        bearer: BearerSource, disableCompression: Bool
    ) {
        self.server = server
        self.namespace = namespace
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.proxyURL = proxyURL
        self.origin = origin
        self.warnings = warnings
        self.caPEM = caPEM
        self.clientCertificate = clientCertificate
        self.bearer = bearer
        self.disableCompression = disableCompression
        var credentials: [KubeCredentialKind] = []
        switch bearer {
        case .none: break
        case .token: credentials.append(.token)
        case .tokenFile(let path): credentials.append(.tokenFile(path: path))
        case .exec(let plugin): credentials.append(.exec(command: plugin.command))
        }
        if clientCertificate != nil { credentials.append(.clientCertificate) }
        self.credentials = credentials
    }
}
