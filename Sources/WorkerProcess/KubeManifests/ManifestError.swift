/// Why a command cannot be turned into Kubernetes objects, or why a configuration is unusable.
///
/// Every case is permanent: retrying the same command gives the same answer, so the worker reports it
/// as `execution_failed` (`system_error`) with ``reason`` as the user-visible text. The reason is short,
/// names the offending field, and quotes input only after ``ManifestError/clip(_:)`` (at most 64 printable
/// characters), so neither hostile input nor cluster details leak into logs or events.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a closed set of static constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let raw: String
        private init(_ raw: String) { self.raw = raw }
        /// The code's name.
        public var description: String { raw }

        /// The (language, version) pair is not in the runtime registry.
        public static let unknownRuntime = Code("unknown runtime")
        /// `runtime_image`, `runtime_command` or `runtime_filename` disagrees with the registry.
        public static let runtimeMismatch = Code("runtime mismatch")
        /// A runtime value from the message (allowed through `allowUnlisted`) cannot be used.
        public static let invalidRuntime = Code("invalid runtime")
        /// A CPU or memory quantity cannot be parsed.
        public static let invalidQuantity = Code("invalid quantity")
        /// A CPU or memory value or the timeout is above its maximum and the policy refuses it
        /// (``AboveMaximumPolicy/refuse``); ``ManifestError/field`` names the field.
        public static let aboveMaximum = Code("above maximum")
        /// `timeout_seconds` is negative.
        public static let invalidTimeout = Code("invalid timeout")
        /// `execution_id` cannot name Kubernetes objects.
        public static let invalidExecutionID = Code("invalid execution id")
        /// The script does not fit in a ConfigMap.
        public static let scriptTooLarge = Code("script too large")
        /// The namespace is one the worker refuses to use.
        public static let forbiddenNamespace = Code("forbidden namespace")
        /// A `delete_pod_command` names a Pod or namespace other than the execution's own.
        public static let targetMismatch = Code("target mismatch")
        /// The owner reference given for the ConfigMap is unusable.
        public static let invalidOwner = Code("invalid owner")
        /// A configuration value (settings, policy, registry entry) is unusable.
        public static let invalidConfiguration = Code("invalid configuration")
    }

    /// What went wrong.
    public let code: Code
    /// A short, user-safe explanation.
    public let reason: String
    /// For ``Code/aboveMaximum``: the field refused (for the metric).
    public let field: ResourceAdjustment.Field?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, field: ResourceAdjustment.Field? = nil) {
        self.code = code
        self.reason = reason
        self.field = field
    }

    /// Never: the same input always fails the same way.
    public var isRetriable: Bool { false }

    /// `"<code>: <reason>"`.
    public var description: String { "\(code): \(reason)" }

    /// At most 64 characters of `text`, control characters replaced by `?`, for quoting input in reasons.
    public static func clip(_ text: String) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == 64 {
                result += "…"
                break
            }
            let isControl =
                scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.properties.generalCategory == .format
            result.unicodeScalars.append(isControl ? "?" : scalar)
            count += 1
        }
        return result
    }
}
