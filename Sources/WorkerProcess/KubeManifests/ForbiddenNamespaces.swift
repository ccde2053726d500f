/// The namespaces the worker refuses to run executions in (docs/decisions.md, D6).
///
/// Upstream refused only `default`. The system namespaces are refused too: they are often exempt
/// from Pod Security Admission, carry cluster components, and a deny-all NetworkPolicy there would
/// break the cluster.
public enum ForbiddenNamespaces {
    /// `default`, `kube-system`, `kube-public`, `kube-node-lease`.
    public static let names: [String] = ["default", "kube-system", "kube-public", "kube-node-lease"]

    /// Whether `namespace` is one of ``names``.
    public static func contains(_ namespace: String) -> Bool { names.contains(namespace) }

    /// Refuses a forbidden namespace, or one that is not a DNS-1123 label.
    public static func check(_ namespace: String) throws(ManifestError) {
        if contains(namespace) {
            throw ManifestError(
                .forbiddenNamespace,
                "namespace '\(namespace)' is reserved; executions must run in a dedicated namespace (not \(names.joined(separator: ", ")))"
            )
        }
        guard KubernetesNames.isDNS1123Label(namespace) else {
            throw ManifestError(
                .invalidConfiguration, "namespace '\(ManifestError.clip(namespace))' is not a valid namespace name")
        }
    }
}
