/// `CreatePodCommand.priority` (upstream `QueuePriority`). Informational for the worker.
public enum QueuePriority: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `critical`
    case critical
    /// `high`
    case high
    /// `normal` (the default when absent)
    case normal
    /// `low`
    case low
    /// `background`
    case background

    /// The wire string.
    public var description: String { rawValue }
}
