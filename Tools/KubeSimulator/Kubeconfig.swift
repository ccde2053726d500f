import Events

/// Renders the kubeconfig files the simulator writes.
enum Kubeconfig {
    /// What goes into a kubeconfig.
    struct Contents {
        var server: String
        var caPEM: String
        var token: String
        var tokenFile: String?
        var clientCertificatePEM: String
        var clientKeyPEM: String
        var namespace: String
        /// Paths for the file-referencing variant.
        var caPath: String
        var clientCertificatePath: String
        var clientKeyPath: String
    }

    /// A kubeconfig with two contexts: `token` (bearer token; current) and `client-cert` (client certificate).
    /// With `embedded`, certificates are inline (`*-data`); otherwise they are referenced by path.
    static func render(_ contents: Contents, embedded: Bool) -> String {
        func quoted(_ text: String) -> String { FieldError.quote(text) }
        var lines = [
            "apiVersion: v1", "kind: Config", "clusters:", "- name: k8s-api-simulator", "  cluster:",
            "    server: \(quoted(contents.server))",
        ]
        if embedded {
            lines.append("    certificate-authority-data: \(Base64.encode(Array(contents.caPEM.utf8)))")
        } else {
            lines.append("    certificate-authority: \(quoted(contents.caPath))")
        }
        lines += ["users:", "- name: k8s-worker-token", "  user:"]
        if let tokenFile = contents.tokenFile {
            lines.append("    tokenFile: \(quoted(tokenFile))")
        } else {
            lines.append("    token: \(quoted(contents.token))")
        }
        lines += ["- name: k8s-worker-cert", "  user:"]
        if embedded {
            lines.append("    client-certificate-data: \(Base64.encode(Array(contents.clientCertificatePEM.utf8)))")
            lines.append("    client-key-data: \(Base64.encode(Array(contents.clientKeyPEM.utf8)))")
        } else {
            lines.append("    client-certificate: \(quoted(contents.clientCertificatePath))")
            lines.append("    client-key: \(quoted(contents.clientKeyPath))")
        }
        lines += [
            "contexts:",
            "- name: token", "  context:", "    cluster: k8s-api-simulator", "    user: k8s-worker-token",
            "    namespace: \(quoted(contents.namespace))",
            "- name: client-cert", "  context:", "    cluster: k8s-api-simulator", "    user: k8s-worker-cert",
            "    namespace: \(quoted(contents.namespace))",
            "current-context: token",
            "preferences: {}",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
