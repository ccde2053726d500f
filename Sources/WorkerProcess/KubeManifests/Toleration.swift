/// One entry of the executor Pod's `spec.tolerations` (Kubernetes documentation, "Taints and Tolerations").
public struct Toleration: Sendable, Hashable {
    /// `operator`.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// The taint's value must equal ``Toleration/value``.
        case equal = "Equal"
        /// Any value (``Toleration/value`` must be empty).
        case exists = "Exists"
    }

    /// `effect`.
    public enum Effect: String, Sendable, Hashable, CaseIterable {
        case noSchedule = "NoSchedule"
        case preferNoSchedule = "PreferNoSchedule"
        case noExecute = "NoExecute"
    }

    /// The taint key; empty (with `Exists`) matches every taint.
    public var key: String
    public var `operator`: Operator
    public var value: String
    /// `nil` matches every effect.
    public var effect: Effect?
    /// How long a `NoExecute` taint is tolerated once added; `nil` means forever.
    public var tolerationSeconds: Int?

    /// Creates a toleration.
    public init(
        key: String, operator: Operator = .equal, value: String = "", effect: Effect? = nil,
        tolerationSeconds: Int? = nil
    ) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// Why the API server would refuse this toleration (apimachinery `ValidateTolerations`), or `nil`.
    public var problem: String? {
        if !key.isEmpty && !LabelSanitizer.isValidKey(key) {
            return "key '\(ManifestError.clip(key))' is not a valid label key"
        }
        if key.isEmpty && self.operator != .exists { return "an empty key needs operator Exists" }
        if self.operator == .exists && !value.isEmpty { return "operator Exists takes no value" }
        if !LabelSanitizer.isValidValue(value) {
            return "value '\(ManifestError.clip(value))' is not a valid label value"
        }
        if let seconds = tolerationSeconds {
            if effect != .noExecute { return "toleration_seconds needs effect NoExecute" }
            if seconds < 0 { return "toleration_seconds must not be negative" }
        }
        return nil
    }
}
