/// `EventMetadata.environment` (upstream `Environment`). Upstream always sends `production`.
public enum Environment: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `development`
    case development
    /// `staging`
    case staging
    /// `production` (the default when absent)
    case production
    /// `test`
    case test

    /// The wire string.
    public var description: String { rawValue }
}
