/// Limits and defaults applied when decoding events.
public struct DecodingOptions: Sendable {
    /// 1 MiB: upstream's producer `max_request_size`, which bounds every record.
    public static let defaultMaxInputBytes = 1_048_576

    /// Inputs longer than this are refused with ``EventDecodingError/inputTooLarge(size:limit:)``
    /// before any parsing.
    public var maxInputBytes: Int
    /// Maximum JSON nesting depth (events need 3).
    public var maxDepth: Int
    /// How a missing `event_id` or `metadata.user_id` is filled in (upstream: a random UUID4).
    public var missingIDs: MissingIDPolicy
    /// The clock used for a missing `timestamp` (upstream: now). This library has no clock of
    /// its own; when `nil`, a missing `timestamp` is a ``EventDecodingError/missingField(path:)``.
    public var now: (@Sendable () -> Timestamp)?

    /// Creates options.
    public init(
        maxInputBytes: Int = DecodingOptions.defaultMaxInputBytes,
        maxDepth: Int = JSONParser.Limits.defaultMaxDepth,
        missingIDs: MissingIDPolicy = .deriveFromInput,
        now: (@Sendable () -> Timestamp)? = nil
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.missingIDs = missingIDs
        self.now = now
    }
}
