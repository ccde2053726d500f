/// Where the cluster address and the credentials come from.
public enum KubeClusterSource: Sendable, Hashable {
    /// A kubeconfig file; `context` names the context to use, `nil` means the file's `current-context`.
    case kubeconfig(path: String, context: String?)
    /// The service-account layout a pod sees: `<root>/token`, `<root>/ca.crt` and `<root>/namespace`, and the
    /// API server at `host:port`; `nil` host or port are read from `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT`.
    case inCluster(
        root: String = "/var/run/secrets/kubernetes.io/serviceaccount", host: String? = nil, port: String? = nil)
    /// The files named by `KUBECONFIG` (a `:`-separated list, merged, first definition wins) when any exists,
    /// else `~/.kube/config` when it exists, else in-cluster, as kubectl and client-go resolve it.
    case automatic
}
