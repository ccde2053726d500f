/// Why a date-time text or epoch number was rejected by ``Timestamp`` parsing.
public struct TimestampParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The text is shorter than a date-time needs.
        case tooShort
        /// A character does not fit the expected pattern.
        case invalidCharacter(expected: String)
        /// A field holds an impossible value (month 13, February 30, hour 24, offset ≥ 24 h…).
        case fieldOutOfRange(field: String)
        /// A `.`/`,` is not followed by any fraction digit.
        case missingFraction
        /// Characters follow a complete date-time.
        case trailingCharacters
        /// The instant falls outside 0001-01-01…9999-12-31 once converted to UTC, or an epoch
        /// number falls outside pydantic's 1600-01-01…9999-12-31 window.
        case outOfRange
        /// Neither an ISO-8601 date-time nor a Unix epoch number.
        case notADateTime
    }

    /// Character offset (in UTF-8 bytes) where the problem was found; 0 for whole-value problems.
    public let offset: Int
    /// What went wrong.
    public let reason: Reason

    /// Creates an error.
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    /// A one-line explanation.
    public var description: String {
        switch reason {
        case .tooShort: "too short for a date-time"
        case .invalidCharacter(let expected): "expected \(expected) at character \(offset)"
        case .fieldOutOfRange(let field): "\(field) out of range at character \(offset)"
        case .missingFraction: "no digits after the decimal separator at character \(offset)"
        case .trailingCharacters: "unexpected characters after the date-time at character \(offset)"
        case .outOfRange: "instant outside the supported range"
        case .notADateTime: "not an ISO-8601 date-time or Unix epoch number"
        }
    }
}
