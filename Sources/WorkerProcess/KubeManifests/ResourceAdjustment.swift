/// One change the ``ResourcePolicy`` made to a command's resources or timeout, for the worker to log.
public struct ResourceAdjustment: Sendable, Hashable, CustomStringConvertible {
    /// The command field concerned.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// `cpu_limit`
        case cpuLimit = "cpu_limit"
        /// `cpu_request`
        case cpuRequest = "cpu_request"
        /// `memory_limit`
        case memoryLimit = "memory_limit"
        /// `memory_request`
        case memoryRequest = "memory_request"
        /// `timeout_seconds`
        case timeoutSeconds = "timeout_seconds"
    }

    /// What was done.
    public enum Kind: String, Sendable, Hashable {
        /// The field was empty (or a 0 timeout) and the configured default was used (upstream's rule).
        case defaulted
        /// The value was above the configured maximum and was lowered to it.
        case clampedToMaximum = "clamped to maximum"
        /// The limit was below the configured minimum and was raised to it (a 0 limit means "no limit"
        /// to the kubelet, so it must never reach the Pod).
        case raisedToMinimum = "raised to minimum"
        /// The request was above the (final) limit and was lowered to it; the API would refuse it.
        case loweredToLimit = "lowered to limit"
    }

    /// The field concerned.
    public let field: Field
    /// What was done.
    public let kind: Kind
    /// The value as the command gave it (clipped; `""` for an empty field).
    public let requested: String
    /// The value that goes into the Pod.
    public let applied: String

    /// Creates an adjustment.
    public init(field: Field, kind: Kind, requested: String, applied: String) {
        self.field = field
        self.kind = kind
        self.requested = requested
        self.applied = applied
    }

    /// E.g. `cpu_limit clamped to maximum: "8" -> 2000m`.
    public var description: String { "\(field.rawValue) \(kind.rawValue): \"\(requested)\" -> \(applied)" }
}
