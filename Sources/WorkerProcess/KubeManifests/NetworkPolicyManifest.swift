import Events

/// The NetworkPolicy `executor-deny-all` applied at startup (docs/upstream-contract.md §4.5): no ingress and no egress (DNS
/// included) for executor Pods.
///
/// Selector: `app=integr8s` **and** `component=executor` (docs/decisions.md, D4.7). Upstream's worker selected on
/// `component` alone while `setup-k8s.sh` used both labels; both labels are exactly the pod monitor's
/// selector and every executor Pod carries them, so this selects the same Pods as either definition and
/// makes the two definitions agree. (The worker's server-side apply with `force` takes ownership of both
/// `matchLabels` entries, so a policy created by `setup-k8s.sh` converges to this one.)
/// It only takes effect with a CNI that enforces NetworkPolicy.
public enum NetworkPolicyManifest {
    /// `executor-deny-all`.
    public static let name = "executor-deny-all"
    /// Field manager for server-side apply: `integr8s` (upstream's).
    public static let fieldManager = "integr8s"
    /// Content type of a server-side apply: `application/apply-patch+yaml` (JSON is valid YAML).
    public static let applyContentType = "application/apply-patch+yaml"

    /// The apply body.
    public static func build(namespace: String) -> KubeObject {
        let body = JSONValue.members([
            "apiVersion": .text("networking.k8s.io/v1"),
            "kind": .text("NetworkPolicy"),
            "metadata": .members([
                "name": .text(name),
                "namespace": .text(namespace),
                "labels": .stringMap([
                    (ManifestLabels.app, ManifestLabels.appValue),
                    (ManifestLabels.component, ManifestLabels.securityComponent),
                ]),
            ]),
            "spec": .members([
                "podSelector": .members([
                    "matchLabels": .stringMap([
                        (ManifestLabels.app, ManifestLabels.appValue),
                        (ManifestLabels.component, ManifestLabels.executorComponent),
                    ])
                ]),
                "policyTypes": .texts(["Ingress", "Egress"]),
                "ingress": .array([]),
                "egress": .array([]),
            ]),
        ])
        return KubeObject(
            apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", name: name, namespace: namespace, body: body)
    }

    /// `/apis/networking.k8s.io/v1/namespaces/<ns>/networkpolicies/executor-deny-all?fieldManager=integr8s&force=true`.
    public static func applyPath(namespace: String) -> String {
        "/apis/networking.k8s.io/v1/namespaces/\(namespace)/networkpolicies/\(name)?fieldManager=\(fieldManager)&force=true"
    }
}
