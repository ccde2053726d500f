/// Request and limit of `ephemeral-storage` for the executor container: it bounds the writable layer,
/// the container log and the disk-backed emptyDirs (`/tmp`, `/output`) together; the kubelet evicts the
/// Pod when the sum goes over.
public struct EphemeralStorage: Sendable, Hashable {
    /// `resources.requests.ephemeral-storage`.
    public var request: MemoryQuantity
    /// `resources.limits.ephemeral-storage`.
    public var limit: MemoryQuantity

    /// Creates a request/limit pair.
    public init(request: MemoryQuantity, limit: MemoryQuantity) {
        self.request = request
        self.limit = limit
    }
}
