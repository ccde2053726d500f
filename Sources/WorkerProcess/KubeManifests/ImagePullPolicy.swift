/// `imagePullPolicy` of the executor container.
public enum ImagePullPolicy: String, Sendable, Hashable, CaseIterable {
    /// Pull on every start (slow; only for mutable tags without a pre-puller).
    case always = "Always"
    /// Use the node's copy when present (the pre-puller DaemonSet keeps it warm).
    case ifNotPresent = "IfNotPresent"
    /// Never pull (air-gapped nodes with preloaded images).
    case never = "Never"
}
