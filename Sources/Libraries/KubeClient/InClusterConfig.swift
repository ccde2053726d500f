/// The configuration a pod gets from its service account, as client-go's `InClusterConfig` reads it.
package enum InClusterConfig {
    /// Where Kubernetes mounts the service-account token, CA and namespace.
    package static let defaultRoot = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Reads `<root>/token` (required, then re-read as it rotates), `<root>/ca.crt` (without it the system trust
    /// store verifies the server, with a warning) and the namespace (`POD_NAMESPACE`, else `<root>/namespace`,
    /// else `default`). Host and port come from the arguments or `KUBERNETES_SERVICE_HOST`/`_PORT`.
    package static func load(
        root: String, host: String?, port: String?, environment: (String) -> String?
    ) throws(KubeAPIError) -> KubeClusterConfig {
        let origin = "in-cluster configuration (\(root))"
        guard let host = nonEmpty(host) ?? nonEmpty(environment("KUBERNETES_SERVICE_HOST")),
            let port = nonEmpty(port) ?? nonEmpty(environment("KUBERNETES_SERVICE_PORT"))
        else {
            throw KubeAPIError.configuration(
                "\(origin): KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (not running in a pod?)"
            )
        }
        let server: ServerURL
        do {
            server = try ServerURL("https://\(ServerURL.bracketed(host)):\(port)")
        } catch {
            throw KubeAPIError.configuration("\(origin): the service host and port do not form a URL: \(error.text)")
        }

        let tokenPath = "\(root)/token"
        let tokenText = String(
            decoding: try ConfigFiles.read(tokenPath, purpose: "service-account token", limit: 64 * 1024),
            as: UTF8.self)
        _ = try ConfigFiles.token(from: tokenText, origin: "service-account token \(tokenPath)")

        var warnings: [String] = []
        var caPEM: [UInt8]? = nil
        let caPath = "\(root)/ca.crt"
        if ConfigFiles.isFile(caPath) {
            let bytes = try ConfigFiles.read(caPath, purpose: "service-account CA", limit: 1024 * 1024)
            guard PEM.containsBlock(bytes) else {
                throw KubeAPIError.configuration("\(origin): \(caPath) does not contain a PEM certificate")
            }
            caPEM = bytes
        } else {
            warnings.append("\(caPath) is missing: the API server is verified against the system trust store")
        }

        var namespace = nonEmpty(environment("POD_NAMESPACE"))
        if namespace == nil, ConfigFiles.isFile("\(root)/namespace") {
            let bytes = try ConfigFiles.read("\(root)/namespace", purpose: "service-account namespace", limit: 4096)
            namespace = nonEmpty(String(ConfigFiles.trimmed(Substring(decoding: bytes, as: UTF8.self))))
        }
        return KubeClusterConfig(
            server: server.base(), namespace: namespace ?? "default", insecureSkipTLSVerify: false,
            tlsServerName: nil, proxyURL: nil, origin: origin, warnings: warnings, caPEM: caPEM,
            clientCertificate: nil, bearer: .tokenFile(path: tokenPath), disableCompression: false)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
