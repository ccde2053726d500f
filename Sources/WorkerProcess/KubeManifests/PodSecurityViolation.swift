/// One failed Pod Security Standards check, shaped like pod-security-admission's `CheckResult`.
public struct PodSecurityViolation: Sendable, Hashable, CustomStringConvertible {
    /// The check's ID in k8s.io/pod-security-admission, e.g. `allowPrivilegeEscalation`,
    /// `capabilities_restricted`, `restrictedVolumes`.
    public let check: String
    /// The short reason, e.g. `allowPrivilegeEscalation != false`.
    public let reason: String
    /// The detail, e.g. `container "executor" must set securityContext.allowPrivilegeEscalation=false`.
    public let detail: String

    /// Creates a violation.
    public init(check: String, reason: String, detail: String) {
        self.check = check
        self.reason = reason
        self.detail = detail
    }

    /// `reason (detail)`, as the API server joins them.
    public var description: String { detail.isEmpty ? reason : "\(reason) (\(detail))" }
}
