import Events

/// The Pod Security Admission labels the worker puts on its namespace at startup (docs/upstream-contract.md §4.6):
/// `enforce=restricted`, `enforce-version=latest`, `warn=restricted`, `audit=restricted`.
public enum NamespaceSecurityPatch {
    /// The labels, in upstream's order.
    public static let labels: [(key: String, value: String)] = [
        ("pod-security.kubernetes.io/enforce", "restricted"),
        ("pod-security.kubernetes.io/enforce-version", "latest"),
        ("pod-security.kubernetes.io/warn", "restricted"),
        ("pod-security.kubernetes.io/audit", "restricted"),
    ]
    /// Content type of the patch: a strategic merge patch, as upstream's client sends it.
    public static let contentType = "application/strategic-merge-patch+json"

    /// `{"metadata":{"labels":{…}}}`.
    public static func body() -> JSONValue {
        .members(["metadata": .members(["labels": .stringMap(labels.map { ($0.key, $0.value) })])])
    }

    /// `/api/v1/namespaces/<ns>`.
    public static func path(namespace: String) -> String { "/api/v1/namespaces/\(namespace)" }

    /// The label keys of ``labels`` that a namespace object (as returned by a GET) lacks or holds with
    /// another value; empty when the namespace already enforces restricted.
    public static func missingLabels(in namespace: JSONValue) -> [String] {
        let present = namespace[member: "metadata"]?[member: "labels"]
        return labels.filter { present?[member: $0.key]?.stringValue != $0.value }.map(\.key)
    }
}
