/// `ExecutionFailedEvent.error_type` (upstream `ExecutionErrorType`).
public enum ExecutionErrorType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `system_error`: what the worker sends when it cannot create the pod.
    case systemError = "system_error"
    /// `timeout`
    case timeout
    /// `resource_limit`
    case resourceLimit = "resource_limit"
    /// `script_error`
    case scriptError = "script_error"
    /// `permission_denied`
    case permissionDenied = "permission_denied"

    /// The wire string.
    public var description: String { rawValue }
}
