/// Request and limit of `ephemeral-storage` for the executor container: it bounds the writable layer,
/// the container log and the disk-backed emptyDirs (`/tmp`, `/output`) together; the kubelet evicts the
/// Pod when the sum goes over.
///
/// Not requested by default: a Kueue ClusterQueue that does not list `ephemeral-storage` in its
/// `coveredResources` never admits a workload requesting it (Kueue documentation, "Cluster Queue",
/// resource groups), and the emptyDir `sizeLimit`s with the read-only root filesystem already bound the
/// disk a script can use.
public struct EphemeralStorage: Sendable, Hashable {
    /// `resources.requests.ephemeral-storage`, or `nil` to leave it out (the API server then copies the
    /// limit into the request).
    public var request: MemoryQuantity?
    /// `resources.limits.ephemeral-storage`, or `nil` to leave it out.
    public var limit: MemoryQuantity?

    /// Creates a request/limit pair; at least one should be set (``ResourcePolicy/validate()`` checks it).
    public init(request: MemoryQuantity?, limit: MemoryQuantity?) {
        self.request = request
        self.limit = limit
    }
}
